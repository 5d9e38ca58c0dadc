#pragma once
// The invoker's side of CAPIF-1/1e: onboarding, discovery, security method negotiation and access tokens.
// CcfApi is the seam tests fake; HttpCcfClient talks to a real CCF over (mutual) TLS.
#include "capif/http/message.hpp"
#include "invoker/state/state_dir.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace capif::invoker {

struct CcfAnswer {
  int status = 0;
  nlohmann::json body;  // null when the body is empty or not JSON
  std::string raw;
  http::TlsInfo tls;  // the TLS session the request used (AEFPSK material)
};

class CcfApi {
 public:
  virtual ~CcfApi() = default;
  // Every call throws InvokerError(transport) when no answer arrived; an HTTP error status is returned.
  virtual CcfAnswer onboard(const std::string& credential, const nlohmann::json& enrolment) = 0;
  virtual CcfAnswer offboard(const std::string& invoker_id) = 0;
  virtual CcfAnswer discover(const std::string& invoker_id, const http::QueryParams& filters) = 0;
  // PUT trustedInvokers/{id} (update = false) or POST trustedInvokers/{id}/update.
  virtual CcfAnswer negotiate(const std::string& invoker_id, const nlohmann::json& service_security,
                              bool update) = 0;
  virtual CcfAnswer token(const std::string& invoker_id, const std::string& client_secret,
                          const std::string& scope) = 0;
};

struct CcfClientOptions {
  bool tls12_for_negotiation = false;  // TLS 1.2 toward the CCF so the standard AEFPSK derivation applies
};

// identity may be null before onboarding (then only onboard() works).
std::unique_ptr<CcfApi> make_ccf_client(const CcfSettings& ccf, const InvokerIdentity* identity,
                                        CcfClientOptions options = {});

// Turns a non-2xx answer into InvokerError(remote) with the ProblemDetails/AccessTokenErr body.
[[noreturn]] void throw_remote(const std::string& what, const CcfAnswer& a);

}  // namespace capif::invoker
