#pragma once
// CAPIF_Security_API service logic (TS 29.222 clause 5.6, TS 33.122 6.3-6.5): security method negotiation,
// the security information AEFs fetch, revocation and the OAuth 2.0 token endpoint. docs/security.md
// has the conventions shared with capif-aef and capif-invoker.
#include "capif/model/aef_security_api.hpp"
#include "capif/model/security_api.hpp"
#include "ccf/service/context.hpp"

#include <stdexcept>

namespace capif::ccf {

// What a revocation must tell others; written to the outbox with the revocation (security_notifier.hpp).
struct RevocationOutcome {
  std::optional<std::string> invoker_destination;  // notificationDestination of the invoker, if notified
  model::SecurityNotification notification;
  struct AefCall {
    std::string aef_id;
    std::string url;  // https://<ipv4|fqdn>:<port>/aef-security/v1/revoke-authorization
    model::RevokeAuthorizationReq body;
  };
  std::vector<AefCall> aef_calls;
};

// A token endpoint failure: answered as AccessTokenErr JSON (RFC 6749 5.2), never as ProblemDetails.
class TokenError : public std::runtime_error {
 public:
  TokenError(int status, std::string error, std::string description)
      : std::runtime_error(description),
        status_(status),
        err_{std::move(error), std::move(description), {}} {}
  int status() const { return status_; }
  const model::AccessTokenErr& body() const { return err_; }

 private:
  int status_;
  model::AccessTokenErr err_;
};

class SecurityService {
 public:
  explicit SecurityService(CcfContext ctx) : ctx_(ctx) {}

  // PUT (update = false: creates or replaces) and POST .../update (update = true: 404 without a context).
  // aefpsk_key / aefpsk_session_id: the secrets of the TLS session the request came on; PSK can only be
  // selected when they exist (the AEFPSK is derived from them now and never returned).
  model::ServiceSecurity negotiate(const Principal& caller, const std::string& invoker_id,
                                   model::ServiceSecurity in, const std::string& aefpsk_key,
                                   const std::string& aefpsk_session_id, bool update);
  // For an AEF the invoker negotiated with: that AEF's entries only.
  model::ServiceSecurity get(const Principal& caller, const std::string& invoker_id, bool authentication_info,
                             bool authorization_info) const;
  // DELETE: by the invoker itself or an AEF it negotiated with.
  RevocationOutcome revoke_all(const Principal& caller, const std::string& invoker_id);
  // POST .../delete: an AEF revokes some of its APIs.
  RevocationOutcome revoke_some(const Principal& caller, const std::string& invoker_id,
                                const model::SecurityNotification& notification);

  // Offboarding deleted this context: every AEF of it is told to drop the invoker.
  RevocationOutcome offboarding_outcome(const SecurityContextRecord& rec) const;

  // POST /securities/{securityId}/token; throws TokenError. basic_authorization: the Authorization header.
  model::AccessTokenRsp token(const Principal& caller, const std::string& security_id,
                              const model::AccessTokenReq& req, const std::string* authorization) const;
  nlohmann::json jwks() const;

 private:
  SecurityContextRecord existing(const std::string& invoker_id) const;
  std::vector<std::string> api_names(const std::string& aef_id,
                                     const std::vector<std::string>& api_ids) const;
  // AEF_Security_API address of an AEF: at the interface of the first still published API of `api_ids`
  // (an AEF may publish APIs at several interfaces), else of any API it exposes.
  std::optional<std::string> revoke_url(const std::string& aef_id,
                                        const std::vector<std::string>& api_ids) const;
  // RevokeAuthorizationReq for every AEF of the context but `except_aef`.
  std::vector<RevocationOutcome::AefCall> aef_calls(const SecurityContextRecord& rec,
                                                    const std::string& except_aef) const;
  CcfContext ctx_;
};

std::int64_t unix_now();

}  // namespace capif::ccf
