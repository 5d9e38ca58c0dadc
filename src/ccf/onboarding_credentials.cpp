#include "ccf/onboarding_credentials.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/jwt.hpp"
#include "capif/problem.hpp"

#include <chrono>

namespace capif::ccf {
namespace {
constexpr const char* kAudience = "capif-onboarding";
std::int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

std::string mint_onboarding_credential(const CcfPki& pki, const std::string& ccf_id, std::string_view role,
                                       std::int64_t ttl_seconds) {
  const auto now = now_unix();
  nlohmann::json claims{{"iss", ccf_id}, {"aud", kAudience},         {"capif_role", role},
                        {"iat", now},    {"exp", now + ttl_seconds}, {"jti", crypto::random_token(16)}};
  const auto key = pki.signing->current();
  return crypto::jws_sign_es256(claims, key->private_pem, key->kid);
}

void verify_onboarding_credential(const CcfPki& pki, const std::string& ccf_id, const std::string* token,
                                  std::string_view role) {
  if (!token || token->empty())
    throw ApiError::unauthorized("an onboarding credential is required (Authorization: Bearer <credential>)");
  // The current key, else the one before the last rotation (credentials it signed stay valid until expiry).
  crypto::JwtVerifyResult result;
  for (const auto& key : pki.signing->verification_keys(true)) {
    result = crypto::jws_verify_es256(*token, key->public_pem, now_unix(), 0);
    if (result.ok || result.error != "bad_signature") break;
  }
  if (!result.ok) {
    if (result.error == "expired") throw ApiError::invalid_token("the onboarding credential has expired");
    if (result.error == "bad_signature")
      throw ApiError::invalid_token("the onboarding credential is not signed by this CCF");
    throw ApiError::invalid_token("the onboarding credential is not a valid token (" + result.error + ")");
  }
  const auto& c = result.claims;
  if (c.value("iss", "") != ccf_id || c.value("aud", "") != kAudience || !c.contains("capif_role"))
    throw ApiError::invalid_token("the token is not an onboarding credential of this CCF");
  if (c.value("capif_role", "") != role)
    throw ApiError::forbidden("the onboarding credential is for role '" + c.value("capif_role", "") +
                              "', this operation needs role '" + std::string(role) + "'");
}

}  // namespace capif::ccf
