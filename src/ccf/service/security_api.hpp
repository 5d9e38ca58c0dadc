#pragma once
// CAPIF_Security_API service logic (TS 29.222 clause 5.6, TS 33.122 6.3-6.5): security method negotiation,
// the security information AEFs fetch, revocation and the OAuth 2.0 token endpoint. docs/security.md
// has the conventions shared with capif-aef and capif-invoker.
#include "capif/model/aef_security_api.hpp"
#include "capif/model/security_api.hpp"
#include "ccf/service/context.hpp"

#include <boost/asio/awaitable.hpp>

#include <stdexcept>
#include <variant>

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
  // CAPIF-6/6e: peer CCFs that hold a context of this invoker (it negotiated AEFs they serve).
  std::string invoker_id;
  std::vector<std::string> peers;
};

// A token request whose scope names AEFs a peer CCF serves: CCF-A forwards it there (flow 3).
struct TokenForward {
  std::string peer;
  std::string scope;  // "" = the peer's default scope
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

struct Resolved;  // security_resolve.hpp

class SecurityService {
 public:
  explicit SecurityService(CcfContext ctx) : ctx_(ctx) {}

  // PUT (update = false: creates or replaces) and POST .../update (update = true: 404 without a context).
  // aefpsk_key / aefpsk_session_id: the secrets of the TLS session the request came on; PSK can only be
  // selected when they exist (the AEFPSK is derived from them now and never returned). Entries for AEFs a
  // peer CCF serves go to that peer, which selects their methods (docs/interconnect.md flow 1).
  boost::asio::awaitable<model::ServiceSecurity> negotiate(const Principal& caller, const std::string& invoker_id,
                                                           model::ServiceSecurity in, std::string aefpsk_key,
                                                           std::string aefpsk_session_id, bool update);
  // For an AEF the invoker negotiated with: that AEF's entries only. onboarded_ccf: the invoker is onboarded
  // at that peer CCF (its context came over CAPIF-6/6e); keys it lacks are fetched from the peer.
  boost::asio::awaitable<model::ServiceSecurity> get(const Principal& caller, const std::string& invoker_id,
                                                     bool authentication_info, bool authorization_info,
                                                     std::optional<std::string> onboarded_ccf);
  // DELETE: by the invoker itself, an AEF it negotiated with, or the peer CCF it is onboarded at.
  RevocationOutcome revoke_all(const Principal& caller, const std::string& invoker_id);
  // POST .../delete: an AEF revokes some of its APIs.
  RevocationOutcome revoke_some(const Principal& caller, const std::string& invoker_id,
                                const model::SecurityNotification& notification);

  // Offboarding deleted this context: every AEF of it is told to drop the invoker, and every peer CCF.
  RevocationOutcome offboarding_outcome(const SecurityContextRecord& rec) const;

  // POST /securities/{securityId}/token; throws TokenError. authorization: the Authorization header.
  // A scope of AEFs served by a peer CCF is not answered here but forwarded (TokenForward).
  std::variant<model::AccessTokenRsp, TokenForward> token(const Principal& caller, const std::string& security_id,
                                                          const model::AccessTokenReq& req,
                                                          const std::string* authorization) const;
  nlohmann::json jwks() const;

  // Designated side of CAPIF-6/6e (security_interconnect.cpp): a peer CCF forwarding the negotiation of
  // an invoker onboarded there (PUT), and the onboarded side answering a peer's fetch of the AEFPSK or CA
  // for one AEF (GET with aefId).
  model::ServiceSecurity negotiate_for_peer(const Principal& peer, const std::string& invoker_id,
                                            model::ServiceSecurity in);
  model::ServiceSecurity security_info_for_peer(const Principal& peer, const std::string& invoker_id,
                                                const std::string& aef_id) const;

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
  // The answer to an AEF from a context (local, or a peer's kept here).
  model::ServiceSecurity answer_for_aef(const SecurityContextRecord& rec, const std::string& aef_id,
                                        bool authentication_info, bool authorization_info) const;
  boost::asio::awaitable<void> fetch_from_onboarded(SecurityContextRecord& rec, const std::string& aef_id);
  RevocationOutcome revoke_for_peer(const Principal& peer, const std::string& invoker_id);
  // Signs a token for OAUTH entries of AEFs served here; scope absent = all of them.
  model::AccessTokenRsp issue(const std::string& client_id, const SecurityContextRecord& rec,
                              const std::optional<std::string>& scope, const std::string& onboarded_ccf) const;
  void check_peer(const Principal& peer) const;
  bool known_here(const std::string& aef_id) const;  // some published API here names this AEF
  boost::asio::awaitable<std::optional<Resolved>> discover_at_peer(const std::string& peer_id,
                                                                          const model::SecurityInformation& e,
                                                                          const std::string& ptr,
                                                                          InvalidParams& errs);
  CcfContext ctx_;
};

std::int64_t unix_now();

}  // namespace capif::ccf
