#pragma once
// The invoker's side of CAPIF-2/2e: where an AEF is (from its discovered AefProfile), how to reach it with
// the negotiated method (TLS-PSK, PKI mutual TLS, OAuth bearer over server TLS), AEF_Security_API
// check-authentication, and when an AEF's answer means "renegotiate" (TS 33.122 6.7).
#include "capif/http/client.hpp"
#include "capif/model/publish_service_api.hpp"
#include "invoker/state/state_dir.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace capif::invoker {

// "https://<ipv4 | [ipv6] | fqdn>:<port, 443 when absent>" of the profile's first interface, or
// "https://<domainName>" when it has none. Throws InvokerError(local) when the profile has neither.
std::string aef_origin(const model::AefProfile& profile);
// aef_origin + apiPrefix + target ("/rest?query"); a missing leading '/' is added, a doubled one avoided.
std::string aef_api_url(const model::AefProfile& profile, std::string_view target);

// True when an AEF refused the call because the security method is no longer valid: 401 or 403 with a
// ProblemDetails whose cause is "SECURITY_METHOD_INVALID" (the AEF's convention for TS 33.122 6.7).
bool security_method_invalid(int status, std::string_view body);

// One API at one AEF with the method negotiated for it and the credentials that method needs.
struct AefTarget {
  std::string aef_id, api_id, api_name;
  std::string method;  // PSK, PKI or OAUTH
  model::AefProfile profile;
  std::string psk_key;  // raw AEFPSK (PSK)
  std::string token;    // access token (OAUTH)
  // Interconnection: an AEF registered at another CCF ("" = local) and that CCF's CA (PEM), which
  // issued the AEF's server certificate.
  std::string designated_ccf_id;
  std::string trust_anchor_pem;
};

// Client settings toward one AEF: trust the CCF CA (for a remote AEF: its designated CCF's CA instead)
// and require CN = aefId (not the host name); PKI adds the invoker certificate; PSK uses identity =
// apiInvokerId and key = target.psk_key. method "" = server-only TLS.
http::ClientConfig aef_client_config(const CcfSettings& ccf, const InvokerIdentity& id,
                                     const AefTarget& target, const std::string& method);

// The CheckAuthenticationReq body: {apiInvokerId, supportedFeatures}, plus, for a remote AEF, the
// extension onboardedCcfId (our CCF's id, so the AEF's CCF knows where to fetch our security information).
// Throws InvokerError(local) for a remote AEF when our CCF's id is unknown.
nlohmann::json check_authentication_body(const CcfSettings& ccf, const InvokerIdentity& id,
                                         const AefTarget& target);

// POST {aef}/aef-security/v1/check-authentication (blocking): over mutual TLS for PKI, over
// server-authenticated TLS otherwise. Throws InvokerError(transport) when no answer arrived.
http::ClientResponse check_authentication(const CcfSettings& ccf, const InvokerIdentity& id,
                                          const AefTarget& target);

// Forwards requests to AEFs, keeping one keep-alive HttpsClient per (AEF, method, credential).
class AefConnector {
 public:
  AefConnector(CcfSettings ccf, InvokerIdentity id) : ccf_(std::move(ccf)), id_(std::move(id)) {}
  // request.url is replaced by aef_api_url(target.profile, target_path); OAUTH adds the bearer token.
  boost::asio::awaitable<http::ClientResponse> forward(const AefTarget& target, std::string target_path,
                                                       http::ClientRequest request);
  void forget(const std::string& aef_id);  // drop pooled connections after a renegotiation

 private:
  std::shared_ptr<http::HttpsClient> client_for(boost::asio::any_io_executor ex, const AefTarget& t);
  CcfSettings ccf_;
  InvokerIdentity id_;
  std::mutex mu_;
  // "aefId|method|sha256(psk)|sha256(trust anchor)"
  std::map<std::string, std::shared_ptr<http::HttpsClient>> clients_;
};

}  // namespace capif::invoker
