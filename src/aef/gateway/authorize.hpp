#pragma once
// Which CAPIF-2e method a request uses and whether the invoker negotiated that method for the API.
#include "aef/gateway/security_cache.hpp"
#include "capif/http/message.hpp"
#include "capif/problem.hpp"

#include <optional>
#include <string>

namespace capif::aef {

inline constexpr const char* kMethodInvalidCause = "SECURITY_METHOD_INVALID";

struct Presented {
  enum Kind { none, psk, pki, oauth, untrusted_cert } kind = none;
  std::string invoker;  // PSK identity or certificate CN (OAuth: from the token, later)
  std::string token;    // OAuth bearer token
};

// PSK session > Bearer token > verified client certificate > untrusted certificate > nothing. With a
// verified certificate and a token, the token decides and must name the certificate's invoker.
Presented identify(const http::TlsInfo& tls, const std::string* authorization);

// 401 + cause SECURITY_METHOD_INVALID: the invoker should negotiate again (TS 33.122 6.7).
ApiError method_invalid(const std::string& detail);

// PSK and PKI: the invoker must have negotiated this method for this API at this AEF (security = what the
// CCF said, nullopt when it said nothing). PSK: the entry's key must be the one the session used. PKI: the
// trust anchor that verified the client certificate (TlsInfo::client_anchor_fingerprint) must be the
// entry's CA, so a certificate with the same CN from another CA the listener trusts is refused.
void require_negotiated(Presented::Kind kind, const std::optional<InvokerSecurity>& security,
                        const PublishedApi& api, const std::optional<std::string>& session_psk,
                        const std::string& client_anchor_fingerprint);

// OAuth: refused only when the CCF told us the invoker negotiated another method for this API.
void require_oauth_allowed(const std::optional<InvokerSecurity>& security, const PublishedApi& api);

const char* method_name(Presented::Kind kind);

}  // namespace capif::aef
