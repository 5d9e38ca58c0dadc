#pragma once
// Compact JWS (RFC 7515) with ES256 only: the CCF never accepts any other algorithm.
#include "capif/crypto/error.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace capif::crypto {

// Header {"alg":"ES256","typ":"JWT","kid":kid}. Throws CryptoError unless the key is an EC P-256 private
// key PEM.
std::string jws_sign_es256(const nlohmann::json& claims, const std::string& ec_private_key_pem,
                           const std::string& kid);

struct JwtVerifyResult {
  bool ok = false;
  // "malformed", "unsupported_alg", "bad_signature", "expired", "not_yet_valid", or "invalid_key" when
  // ec_public_key_pem is not an EC P-256 public key (a configuration problem, not the token's).
  std::string error;
  nlohmann::json header, claims;  // filled once the token parsed, even when verification failed
};

// Never throws on bad input. The signature is checked before the claims, so time errors are only reported
// for authentic tokens. "exp" is required; "nbf" is checked when present; both allow leeway_seconds.
JwtVerifyResult jws_verify_es256(const std::string& token, const std::string& ec_public_key_pem,
                                 std::int64_t now_unix, std::int64_t leeway_seconds);

// EC P-256 public JWK {kty, crv, x, y, kid, use:"sig", alg:"ES256"} for a JWKS endpoint.
nlohmann::json jwk_from_public_key_pem(const std::string& pem, const std::string& kid);

}  // namespace capif::crypto
