#include "aef/gateway/token.hpp"
#include "capif/crypto/encoding.hpp"
#include "capif/crypto/jwt.hpp"
#include "capif/crypto/pki.hpp"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

using namespace capif;
using namespace capif::aef;
using nlohmann::json;

namespace {
constexpr std::int64_t kNow = 1'700'000'000;

struct Keys {
  std::string priv = crypto::generate_ec_key_pem();
  std::string pub = crypto::public_key_pem(priv);
  JwksKeys jwks = parse_jwks(json{{"keys", json::array({crypto::jwk_from_public_key_pem(pub, "k1")})}});
};
const Keys& keys() {
  static Keys k;
  return k;
}

json claims(std::int64_t exp = kNow + 300) {
  return {{"iss", "INV1"},
          {"client_id", "INV1"},
          {"sub", "INV1"},
          {"aud", json::array({"AEF1", "AEF2"})},
          {"scope", "3gpp#AEF1:weather,hello;AEF2:other"},
          {"iat", kNow - 10},
          {"exp", exp},
          {"jti", "j"}};
}

std::string sign(const json& c) {
  return crypto::jws_sign_es256(c, keys().priv, "k1");
}

TokenCheck check(const std::string& token, const std::string& api = "weather") {
  return check_access_token(token, keys().jwks, "AEF1", api, kNow, 30);
}

std::string b64(const json& j) {
  return crypto::base64url_encode(j.dump());
}
}  // namespace

TEST(AefToken, JwksGivesTheKey) {
  ASSERT_EQ(keys().jwks.size(), 1u);
  EXPECT_TRUE(keys().jwks.contains("k1"));
}

TEST(AefToken, ValidTokenNamesTheInvoker) {
  auto t = check(sign(claims()));
  ASSERT_TRUE(t.ok) << t.detail;
  EXPECT_EQ(t.invoker, "INV1");
  EXPECT_EQ(t.iat, kNow - 10);
}

TEST(AefToken, ExpiredBeyondLeewayIsRefusedWithinLeewayAccepted) {
  EXPECT_TRUE(check(sign(claims(kNow - 20))).ok);
  auto t = check(sign(claims(kNow - 31)));
  EXPECT_FALSE(t.ok);
  EXPECT_EQ(t.status, 401);
  EXPECT_NE(t.detail.find("expired"), std::string::npos);
  // A configured leeway above 30 s is capped.
  EXPECT_FALSE(check_access_token(sign(claims(kNow - 40)), keys().jwks, "AEF1", "weather", kNow, 300).ok);
}

TEST(AefToken, WrongAudienceIsRefused) {
  auto c = claims();
  c["aud"] = "AEF2";
  auto t = check(sign(c));
  EXPECT_FALSE(t.ok);
  EXPECT_NE(t.detail.find("aud"), std::string::npos);
}

TEST(AefToken, ApiOutsideScopeIs403) {
  auto t = check(sign(claims()), "other");  // "other" is in scope for AEF2 only
  EXPECT_FALSE(t.ok);
  EXPECT_EQ(t.status, 403);
  EXPECT_EQ(t.error, "insufficient_scope");
}

TEST(AefToken, AlgNoneIsRefused) {
  auto token = b64({{"alg", "none"}, {"typ", "JWT"}}) + "." + b64(claims()) + ".";
  auto t = check(token);
  EXPECT_FALSE(t.ok);
  EXPECT_NE(t.detail.find("ES256"), std::string::npos);
}

TEST(AefToken, Hs256KeyedWithThePublicKeyIsRefused) {
  auto input = b64({{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "k1"}}) + "." + b64(claims());
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), keys().pub.data(), static_cast<int>(keys().pub.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  auto t = check(input + "." + crypto::base64url_encode(std::string(reinterpret_cast<char*>(mac), len)));
  EXPECT_FALSE(t.ok);
  EXPECT_EQ(t.status, 401);
}

TEST(AefToken, ForgedSignatureIsRefused) {
  auto other = crypto::generate_ec_key_pem();
  auto t = check(crypto::jws_sign_es256(claims(), other, "k1"));  // same kid, another key
  EXPECT_FALSE(t.ok);
  EXPECT_NE(t.detail.find("signature"), std::string::npos);
  auto good = sign(claims());
  auto tampered = good.substr(0, good.find('.') + 1) + b64([] {
                    auto c = claims();
                    c["scope"] = "3gpp#AEF1:weather,secret";
                    return c;
                  }()) +
                  good.substr(good.rfind('.'));
  EXPECT_FALSE(check(tampered, "secret").ok);
}

TEST(AefToken, UnknownKidAsksForAJwksRefresh) {
  auto t = check(crypto::jws_sign_es256(claims(), keys().priv, "k2"));
  EXPECT_FALSE(t.ok);
  EXPECT_EQ(t.error, "unknown_key");
}

TEST(AefToken, ScopeGrammar) {
  auto s = parse_scope("3gpp#a:x,y;b:z");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_TRUE(s["a"].contains("y"));
  EXPECT_TRUE(parse_scope("a:x").empty());
  EXPECT_TRUE(parse_scope("3gpp#a:x,").empty());
  EXPECT_TRUE(parse_scope("3gpp#:x").empty());
}

TEST(VerifiedTokens, RemembersPerApiUntilExpiry) {
  capif::aef::VerifiedTokens cache;
  capif::aef::TokenCheck ok;
  ok.ok = true;
  ok.invoker = "INV1";
  ok.exp = 1000;
  cache.remember("weather", "tok", ok);
  ASSERT_TRUE(cache.find("weather", "tok", 990, 0));
  EXPECT_EQ(cache.find("weather", "tok", 990, 0)->invoker, "INV1");
  EXPECT_FALSE(cache.find("maps", "tok", 990, 0)) << "checked for one API only";
  EXPECT_FALSE(cache.find("weather", "tok", 1001, 0)) << "expired";
  EXPECT_TRUE(cache.find("weather", "tok", 1020, 30)) << "within the leeway";
  EXPECT_FALSE(cache.find("weather", "tok", 1031, 60)) << "leeway capped at 30 s";
  capif::aef::TokenCheck bad;
  cache.remember("weather", "bad", bad);
  EXPECT_FALSE(cache.find("weather", "bad", 0, 0)) << "failed checks are never cached";
  cache.clear();
  EXPECT_FALSE(cache.find("weather", "tok", 990, 0));
}
