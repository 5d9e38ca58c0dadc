// Compact JWS with ES256 (RFC 7515, RFC 7518 section 3.4).
#include "crypto/ossl.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/jwt.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>

#include <cmath>
#include <limits>
#include <optional>

namespace capif::crypto {
using namespace detail;

namespace {

constexpr std::size_t kCoordBytes = 32;            // P-256 field/order size
constexpr std::size_t kMaxTokenBytes = 64 * 1024;  // bound the work an unauthenticated token can cause

// ECDSA in OpenSSL produces/consumes DER; JWS carries the fixed-width R||S form.
std::string der_to_raw(const unsigned char* der, std::size_t len) {
  const unsigned char* p = der;
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
  if (!sig) throw_openssl("cannot decode ECDSA signature");
  std::string raw(2 * kCoordBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), out, kCoordBytes) != int(kCoordBytes) ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), out + kCoordBytes, kCoordBytes) != int(kCoordBytes))
    throw_openssl("ECDSA signature does not fit P-256");
  return raw;
}

// Returns an empty string if raw is not a well-formed 64-byte R||S.
std::string raw_to_der(const std::string& raw) {
  if (raw.size() != 2 * kCoordBytes) return {};
  auto* in = reinterpret_cast<const unsigned char*>(raw.data());
  BnPtr r(BN_bin2bn(in, kCoordBytes, nullptr));
  BnPtr s(BN_bin2bn(in + kCoordBytes, kCoordBytes, nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return {};
  r.release();  // now owned by sig
  s.release();
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

// A NumericDate (RFC 7519) as int64, saturating; nullopt if it is not a number.
std::optional<std::int64_t> numeric_date(const nlohmann::json& v) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    return u > static_cast<std::uint64_t>(kMax) ? kMax : static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d != d) return std::nullopt;  // NaN
    if (d >= 9.2e18) return kMax;
    if (d <= -9.2e18) return kMin;
    return static_cast<std::int64_t>(std::floor(d));
  }
  return std::nullopt;
}

std::int64_t sat_add(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (__builtin_add_overflow(a, b, &r))
    return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  return r;
}

bool verify_der(EVP_PKEY* key, const std::string& signing_input, const std::string& der) {
  MdCtxPtr md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
  return EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()),
                          signing_input.size()) == 1;
}

std::optional<nlohmann::json> decode_json_object(std::string_view b64) {
  std::string text;
  try {
    text = base64url_decode(b64);
  } catch (const CryptoError&) {
    return std::nullopt;
  }
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

JwtVerifyResult verify(const std::string& token, const std::string& pub_pem, std::int64_t now,
                       std::int64_t leeway) {
  JwtVerifyResult res;
  auto fail = [&](const char* error) {
    res.ok = false;
    res.error = error;
    return res;
  };
  if (token.size() > kMaxTokenBytes) return fail("malformed");
  auto dot1 = token.find('.');
  auto dot2 = dot1 == std::string::npos ? std::string::npos : token.find('.', dot1 + 1);
  if (dot2 == std::string::npos || token.find('.', dot2 + 1) != std::string::npos) return fail("malformed");
  std::string_view tv(token);
  auto header = decode_json_object(tv.substr(0, dot1));
  auto claims = decode_json_object(tv.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!header || !claims) return fail("malformed");
  res.header = *header;
  res.claims = *claims;

  auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string()) return fail("malformed");
  // The algorithm is pinned: the header cannot downgrade us to "none" or to HMAC keyed with the public key.
  if (alg->get<std::string>() != "ES256") return fail("unsupported_alg");
  // RFC 7515 4.1.11: we understand no critical extensions, so any "crit" means we must reject.
  if (header->contains("crit")) return fail("malformed");

  std::string sig_raw;
  try {
    sig_raw = base64url_decode(tv.substr(dot2 + 1));
  } catch (const CryptoError&) {
    return fail("malformed");
  }

  std::shared_ptr<EVP_PKEY> key;
  try {
    key = shared_public_key(pub_pem);
  } catch (const CryptoError&) {
    return fail("invalid_key");
  }
  if (!is_ec_p256(key.get())) return fail("invalid_key");

  std::string der = raw_to_der(sig_raw);
  if (der.empty() || !verify_der(key.get(), token.substr(0, dot2), der)) {
    ERR_clear_error();
    return fail("bad_signature");
  }

  auto exp_it = claims->find("exp");
  if (exp_it == claims->end()) return fail("malformed");
  auto exp = numeric_date(*exp_it);
  if (!exp) return fail("malformed");
  // RFC 7519 4.1.4: the token must not be accepted on or after exp.
  if (now >= sat_add(*exp, leeway)) return fail("expired");
  if (auto nbf_it = claims->find("nbf"); nbf_it != claims->end()) {
    auto nbf = numeric_date(*nbf_it);
    if (!nbf) return fail("malformed");
    if (sat_add(now, leeway) < *nbf) return fail("not_yet_valid");
  }
  res.ok = true;
  res.error.clear();
  return res;
}

}  // namespace

std::string jws_sign_es256(const nlohmann::json& claims, const std::string& ec_private_key_pem,
                           const std::string& kid) {
  auto key = shared_private_key(ec_private_key_pem);
  if (!is_ec_p256(key.get())) throw CryptoError("ES256 requires an EC P-256 private key");
  nlohmann::json header = {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", kid}};
  std::string input = base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());

  MdCtxPtr md(EVP_MD_CTX_new());
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1)
    throw_openssl("EVP_DigestSignInit failed");
  std::size_t len = 0;
  auto* in = reinterpret_cast<const unsigned char*>(input.data());
  if (EVP_DigestSign(md.get(), nullptr, &len, in, input.size()) != 1) throw_openssl("EVP_DigestSign failed");
  std::string der(len, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(der.data()), &len, in, input.size()) != 1)
    throw_openssl("EVP_DigestSign failed");
  std::string raw = der_to_raw(reinterpret_cast<const unsigned char*>(der.data()), len);
  return input + "." + base64url_encode(raw);
}

JwtVerifyResult jws_verify_es256(const std::string& token, const std::string& ec_public_key_pem,
                                 std::int64_t now_unix, std::int64_t leeway_seconds) {
  try {
    return verify(token, ec_public_key_pem, now_unix, leeway_seconds < 0 ? 0 : leeway_seconds);
  } catch (const std::exception&) {
    // Only allocation failures can get here; report them as a failed verification, never as success.
    ERR_clear_error();
    JwtVerifyResult res;
    res.error = "malformed";
    return res;
  }
}

nlohmann::json jwk_from_public_key_pem(const std::string& pem, const std::string& kid) {
  auto key = load_public_key(pem);
  if (!is_ec_p256(key.get())) throw CryptoError("JWK export requires an EC P-256 public key");
  auto coord = [&](const char* name) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key.get(), name, &bn) != 1) throw_openssl("cannot read EC public key");
    BnPtr owned(bn);
    std::string out(kCoordBytes, '\0');
    if (BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), kCoordBytes) != int(kCoordBytes))
      throw_openssl("EC coordinate does not fit P-256");
    return base64url_encode(out);
  };
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"x", coord(OSSL_PKEY_PARAM_EC_PUB_X)},
          {"y", coord(OSSL_PKEY_PARAM_EC_PUB_Y)},
          {"kid", kid},
          {"use", "sig"},
          {"alg", "ES256"}};
}

}  // namespace capif::crypto
