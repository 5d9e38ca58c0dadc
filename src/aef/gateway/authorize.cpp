#include "aef/gateway/authorize.hpp"

namespace capif::aef {

const char* method_name(Presented::Kind kind) {
  switch (kind) {
    case Presented::psk:
      return "PSK";
    case Presented::pki:
      return "PKI";
    case Presented::oauth:
      return "OAUTH";
    default:
      return "";
  }
}

Presented identify(const http::TlsInfo& tls, const std::string* authorization) {
  Presented p;
  if (!tls.psk_identity.empty()) {
    p.kind = Presented::psk;
    p.invoker = tls.psk_identity;
    return p;
  }
  if (tls.client_cert_presented && !tls.client_cert_verified) {
    p.kind = Presented::untrusted_cert;
    return p;
  }
  if (auto token = http::parse_bearer(authorization)) {
    p.kind = Presented::oauth;
    p.token = std::move(*token);
    if (tls.client_cert_verified) p.invoker = tls.client_cn;  // the token must name the same invoker
    return p;
  }
  if (tls.client_cert_verified) {
    p.kind = Presented::pki;
    p.invoker = tls.client_cn;
  }
  return p;
}

ApiError method_invalid(const std::string& detail) {
  // Like every 401, with a WWW-Authenticate challenge (RFC 9110 15.5.2).
  return ApiError::unauthorized(detail, "Bearer realm=\"capif\"", kMethodInvalidCause);
}

void require_negotiated(Presented::Kind kind, const std::optional<InvokerSecurity>& security,
                        const PublishedApi& api, const std::optional<std::string>& session_psk,
                        const std::string& client_anchor_fingerprint) {
  const std::string method = method_name(kind);
  if (!security)
    throw method_invalid("no " + method +
                         " security context for this invoker at this AEF (never negotiated, or revoked)");
  const SecurityEntry* e = security->entry_for(api);
  if (!e)
    throw method_invalid("the invoker has not negotiated a security method for API " + api.apiName +
                         " at this AEF (or it was revoked)");
  if (e->method != method)
    throw method_invalid("the security method negotiated for API " + api.apiName + " is " + e->method +
                         ", not " + method);
  if (kind == Presented::psk && (!session_psk || e->psk != *session_psk))
    throw method_invalid("this TLS-PSK session's key is not the AEFPSK negotiated for API " + api.apiName);
  if (kind == Presented::pki && (e->ca_fingerprint.empty() || e->ca_fingerprint != client_anchor_fingerprint))
    throw method_invalid(
        "the client certificate is not issued by the CA that the CCF names for this invoker");
}

void require_oauth_allowed(const std::optional<InvokerSecurity>& security, const PublishedApi& api) {
  if (!security) return;
  const SecurityEntry* e = security->entry_for(api);
  if (e && e->method != "OAUTH")
    throw method_invalid("the security method negotiated for API " + api.apiName + " is " + e->method +
                         ", not OAUTH");
}

}  // namespace capif::aef
