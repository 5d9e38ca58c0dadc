#pragma once
// Outbound calls of the AEF to its CCF, behind interfaces so that the gateway logic is tested with fakes.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace capif::aef {

struct CcfReply {
  std::string error;  // transport failure (no status)
  int status = 0;
  nlohmann::json body;  // parsed JSON body, null when there was none or it was not JSON
  std::string location;
  bool ok() const { return error.empty() && status >= 200 && status < 300; }
  std::string describe() const;  // "503: detail" or the transport error, for logs
};

struct TlsIdentity {
  std::string cert_pem, key_pem;
};

// Runtime calls (CAPIF-3), made with the AEF function's certificate.
class CcfClient {
 public:
  virtual ~CcfClient() = default;
  // GET /capif-security/v1/trustedInvokers/{id}?authenticationInfo=true&authorizationInfo=true, plus the
  // extension &onboardedCcfId= for an invoker onboarded at another CCF (onboarded_ccf_id not empty).
  virtual boost::asio::awaitable<CcfReply> trusted_invoker(std::string invoker_id,
                                                           std::string onboarded_ccf_id) = 0;
  // GET /access-control-policy/v1/accessControlPolicyList/{apiId}?aef-id=&api-invoker-id=
  virtual boost::asio::awaitable<CcfReply> access_control_policy(std::string api_id,
                                                                 std::string invoker_id) = 0;
  // GET /capif-security/v1/jwks
  virtual boost::asio::awaitable<CcfReply> jwks() = 0;
  // POST /api-invocation-logs/v1/{aefId}/logs with a serialised InvocationLog. A 2xx reply's body (the
  // CCF echoes the whole document) is not parsed: the shipper only needs the status.
  virtual boost::asio::awaitable<CcfReply> post_logs(std::string invocation_log_json) = 0;
  // SIGHUP: new connections to the CCF trust ca_pem and present `aef`; the caller checked the material
  // (http::HttpsClient::check_tls). Fakes need not care.
  virtual void reload_tls(const std::string& ca_pem, const TlsIdentity& aef) {}
};

std::unique_ptr<CcfClient> make_https_ccf_client(boost::asio::any_io_executor executor, std::string api_root,
                                                 std::string aef_id, std::string ca_pem, TlsIdentity aef);

// Provider-side calls at start-up (CAPIF-3/4), blocking: registration needs no certificate (the onboarding
// credential is the Bearer), publication uses the APF's.
class ProviderCcf {
 public:
  virtual ~ProviderCcf() = default;
  virtual CcfReply register_domain(const nlohmann::json& body, const std::string& credential) = 0;
  virtual CcfReply publish(const TlsIdentity& apf, const std::string& apf_id, const nlohmann::json& body) = 0;
  virtual CcfReply update(const TlsIdentity& apf, const std::string& apf_id, const std::string& api_id,
                          const nlohmann::json& body) = 0;
};

std::unique_ptr<ProviderCcf> make_https_provider_ccf(std::string api_root, std::string ca_pem);

}  // namespace capif::aef
