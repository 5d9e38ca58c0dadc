#include "aef/gateway/token.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/jwt.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <memory>

namespace capif::aef {
using nlohmann::json;

namespace {

// EC P-256 public key (x, y as 32-byte big-endian) -> SubjectPublicKeyInfo PEM; empty on failure.
std::string ec_point_to_pem(const std::string& x, const std::string& y) {
  if (x.size() != 32 || y.size() != 32) return {};
  std::string point = "\x04" + x + y;
  char group[] = "prime256v1";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    return {};
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(raw, EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) return {};
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

TokenCheck fail(int status, std::string error, std::string detail) {
  TokenCheck t;
  t.status = status;
  t.error = std::move(error);
  t.detail = std::move(detail);
  return t;
}

}  // namespace

JwksKeys parse_jwks(const json& jwks) {
  JwksKeys out;
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) return out;
  for (const auto& k : jwks["keys"]) {
    if (!k.is_object() || str(k, "kty") != "EC" || str(k, "crv") != "P-256") continue;
    if (auto alg = str(k, "alg"); !alg.empty() && alg != "ES256") continue;
    if (auto use = str(k, "use"); !use.empty() && use != "sig") continue;
    try {
      auto pem =
          ec_point_to_pem(crypto::base64url_decode(str(k, "x")), crypto::base64url_decode(str(k, "y")));
      if (!pem.empty()) out[str(k, "kid")] = pem;
    } catch (const std::exception&) {
    }
  }
  return out;
}

std::map<std::string, std::set<std::string>> parse_scope(const std::string& scope) {
  std::map<std::string, std::set<std::string>> out;
  constexpr std::string_view kPrefix = "3gpp#";
  if (!scope.starts_with(kPrefix) || scope.ends_with(",") || scope.ends_with(";")) return {};
  std::string_view rest(scope);
  rest.remove_prefix(kPrefix.size());
  while (!rest.empty()) {
    auto semi = rest.find(';');
    auto group = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    auto colon = group.find(':');
    if (colon == std::string_view::npos || colon == 0) return {};
    auto& apis = out[std::string(group.substr(0, colon))];
    auto list = group.substr(colon + 1);
    if (list.empty() || list.ends_with(',')) return {};
    while (!list.empty()) {
      auto comma = list.find(',');
      auto name = list.substr(0, comma);
      if (name.empty()) return {};
      apis.emplace(name);
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
  }
  return out;
}

TokenCheck check_access_token(const std::string& token, const JwksKeys& keys, const std::string& aef_id,
                              const std::string& api_name, std::int64_t now, std::int64_t leeway_s) {
  // Header first: the algorithm decides nothing but whether we go on (ES256 only), and kid picks the key.
  json header;
  try {
    auto dot = token.find('.');
    if (dot == std::string::npos) return fail(401, "invalid_token", "the access token is not a compact JWS");
    header = json::parse(crypto::base64url_decode(std::string_view(token).substr(0, dot)));
  } catch (const std::exception&) {
    return fail(401, "invalid_token", "the access token header is malformed");
  }
  if (!header.is_object() || str(header, "alg") != "ES256")
    return fail(401, "invalid_token", "the access token must be signed with ES256");
  std::string kid = str(header, "kid");
  auto key = keys.find(kid);
  if (key == keys.end() && !header.contains("kid") && keys.size() == 1) key = keys.begin();
  if (key == keys.end()) return fail(401, "unknown_key", "the access token is signed with an unknown key");

  auto v = crypto::jws_verify_es256(token, key->second, now, std::min<std::int64_t>(leeway_s, 30));
  if (!v.ok) {
    if (v.error == "expired") return fail(401, "invalid_token", "the access token has expired");
    if (v.error == "not_yet_valid") return fail(401, "invalid_token", "the access token is not valid yet");
    if (v.error == "bad_signature")
      return fail(401, "invalid_token", "the access token signature is invalid");
    return fail(401, "invalid_token", "the access token is invalid (" + v.error + ")");
  }
  const json& c = v.claims;
  bool aud_ok = false;
  if (auto it = c.find("aud"); it != c.end()) {
    if (it->is_string()) aud_ok = *it == aef_id;
    if (it->is_array()) aud_ok = std::find(it->begin(), it->end(), json(aef_id)) != it->end();
  }
  if (!aud_ok) return fail(401, "invalid_token", "the access token is not meant for this AEF (aud)");
  TokenCheck t;
  t.invoker = str(c, "client_id");
  if (t.invoker.empty()) t.invoker = str(c, "sub");
  if (t.invoker.empty()) t.invoker = str(c, "iss");
  if (t.invoker.empty()) return fail(401, "invalid_token", "the access token names no API invoker");
  auto scope = parse_scope(str(c, "scope"));
  auto mine = scope.find(aef_id);
  if (mine == scope.end() || !mine->second.contains(api_name))
    return fail(403, "insufficient_scope",
                "API " + api_name + " is not in the access token's scope for this AEF");
  if (auto it = c.find("iat"); it != c.end() && it->is_number_integer()) t.iat = it->get<std::int64_t>();
  if (auto it = c.find("exp"); it != c.end() && it->is_number_integer()) t.exp = it->get<std::int64_t>();
  t.ok = true;
  t.status = 200;
  return t;
}

}  // namespace capif::aef

namespace capif::aef {

std::optional<TokenCheck> VerifiedTokens::find(const std::string& api_name, const std::string& token,
                                               std::int64_t now, std::int64_t leeway_s) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(api_name + '\n' + token);
  if (it == entries_.end() || now > it->second.exp + std::min<std::int64_t>(leeway_s, 30))
    return std::nullopt;
  return it->second;
}

void VerifiedTokens::remember(const std::string& api_name, const std::string& token,
                              const TokenCheck& check) {
  if (!check.ok || check.exp == 0) return;
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[api_name + '\n' + token] = check;
}

void VerifiedTokens::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace capif::aef
