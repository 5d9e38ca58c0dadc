// The must-fail cases of CAPIF-2e (issue 3, section 4) with the real executables: capif-ccf, capif-aef
// (built-in demo API, or an upstream) and the capif-invoker CLI for onboarding, discovery, negotiation and
// tokens. The refused requests themselves are sent with raw HTTPS clients built from the invoker's state
// directory (its key, certificate, AEFPSKs and tokens), so each test asserts exactly what the AEF or the
// CCF answers. Every refusal has a positive control with the genuine credential, so a test cannot pass
// because the setup is broken.
#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"
#include "capif/crypto/jwt.hpp"
#include "capif/crypto/pki.hpp"
#include "capif/http/uri.hpp"
#include "capif_daemons.hpp"
#include "capif_parties.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

using namespace capif::testing;
namespace crypto = capif::crypto;
namespace http = capif::http;
namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Polls `done` every 50 ms until it holds or `limit` passed; returns its last value.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

// HTTP status, application/problem+json with the same "status", a non-empty detail (containing
// `detail_part` when given) and, when given, the cause.
void expect_problem(const http::ClientResponse& r, int status, const std::string& cause = {},
                    const std::string& detail_part = {}) {
  ASSERT_TRUE(r.ok()) << "exchange failed: " << r.error;
  EXPECT_EQ(r.status, status) << r.body;
  const std::string* ct = r.header("content-type");
  ASSERT_NE(ct, nullptr) << r.body;
  EXPECT_EQ(*ct, "application/problem+json") << r.body;
  auto j = body_json(r);
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_EQ(j.value("status", 0), status) << r.body;
  const std::string detail = j.value("detail", "");
  EXPECT_FALSE(detail.empty()) << r.body;
  if (!detail_part.empty()) EXPECT_NE(detail.find(detail_part), std::string::npos) << r.body;
  if (!cause.empty()) EXPECT_EQ(j.value("cause", ""), cause) << r.body;
  if (status == 401) EXPECT_NE(r.header("www-authenticate"), nullptr) << "a 401 needs a challenge";
}

// 401 from the AEF because the method used is not (or no longer) the one negotiated (TS 33.122 6.7).
void expect_method_invalid(const http::ClientResponse& r) {
  expect_problem(r, 401, "SECURITY_METHOD_INVALID");
}

// An invoker's credentials, read from its capif-invoker state directory.
struct InvokerFiles {
  std::string id, key_pem, cert_pem, secret;
  std::map<std::string, std::string> psk;  // aefId -> raw AEFPSK
  std::vector<std::string> tokens;         // newest last
};

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

InvokerFiles read_state(const InvokerCli& inv) {
  const fs::path s = inv.state();
  InvokerFiles f;
  f.id = inv.invoker_id();
  f.key_pem = crypto::read_file(s / "invoker.key");
  f.cert_pem = crypto::read_file(s / "invoker.crt");
  f.secret = trimmed(crypto::read_file(s / "onboarding_secret"));
  if (fs::exists(s / "aefpsk.json")) {
    const json keys = json::parse(crypto::read_file(s / "aefpsk.json"));  // named: items() must not dangle
    for (const auto& [aef, k] : keys.items())
      f.psk[aef] = crypto::base64_decode(k.at("key").get<std::string>());
  }
  if (fs::exists(s / "tokens.json"))
    for (const auto& t : json::parse(crypto::read_file(s / "tokens.json")))
      f.tokens.push_back(t.at("access_token"));
  return f;
}

// A client of one AEF: server certificate from the CCF's CA with CN = aefId; optionally a client
// certificate, or TLS-PSK instead of certificates.
struct AefClientOptions {
  std::string cert_pem, key_pem;
  std::string psk_identity, psk_key;
  std::string tls = "1.3";
};
std::unique_ptr<http::BlockingClient> aef_client(const CcfProcess& ccf, const AefProcess& aef,
                                                 const AefClientOptions& o = {}) {
  http::ClientConfig cfg;
  cfg.ca_pem = ccf.ca_pem();
  cfg.expected_server_cn = aef.aef_id();
  cfg.client_cert_pem = o.cert_pem;
  cfg.client_key_pem = o.key_pem;
  cfg.psk_identity = o.psk_identity;
  cfg.psk_key = o.psk_key;
  cfg.max_tls_version = o.tls;
  cfg.connect_timeout = 3000ms;
  cfg.request_timeout = 5000ms;
  return std::make_unique<http::BlockingClient>(cfg);
}

http::ClientResponse call(http::BlockingClient& c, const AefProcess& aef, const std::string& path,
                          const std::string& token = {}) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return send(c, "GET", aef.base_url() + path, {}, {}, std::move(headers));
}

std::string security_url(const CcfProcess& ccf, const std::string& rest) {
  return ccf.api_root() + "/capif-security/v1/" + rest;
}

// A CCF client with the certificate of one of the AEF's provider functions ("aef", "amf", "apf").
std::unique_ptr<http::BlockingClient> function_client(const CcfProcess& ccf, const AefProcess& aef,
                                                      const std::string& function) {
  const fs::path d = aef.dir() / "data";
  return make_client(ccf, crypto::read_file(d / (function + ".crt")),
                     crypto::read_file(d / (function + ".key")));
}

// POST /aef-security/v1/check-authentication: the AEF fetches the invoker's security information.
http::ClientResponse check_authentication(const CcfProcess& ccf, const AefProcess& aef,
                                          const InvokerFiles& f) {
  auto c = aef_client(ccf, aef, {.cert_pem = f.cert_pem, .key_pem = f.key_pem});
  return send_json(*c, "POST", aef.base_url() + "/aef-security/v1/check-authentication",
                   json{{"apiInvokerId", f.id}, {"supportedFeatures", "0"}});
}

// JWS pieces.
json jws_part(const std::string& token, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  const auto end = token.find('.', start);
  return json::parse(crypto::base64url_decode(token.substr(start, end - start)));
}
std::string b64json(const json& j) {
  return crypto::base64url_encode(j.dump());
}
std::string hs256(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<char*>(mac), len);
}

std::string api_id(const AefProcess& aef, const std::string& name) {
  return aef.provider_state().at("publications").at(name);
}

class Refusals : public ::testing::Test {
 protected:
  void start_ccf(CcfOptions o = {}) {
    ccf = std::make_unique<CcfProcess>(std::move(o));
    ccf->start();
  }
  AefProcess& add_aef(AefOptions o = {}) {
    aefs.push_back(std::make_unique<AefProcess>(*ccf, std::move(o)));
    aefs.back()->start();
    return *aefs.back();
  }
  InvokerCli& add_invoker() {
    invokers.push_back(std::make_unique<InvokerCli>(*ccf));
    must(*invokers.back(), "onboard");
    return *invokers.back();
  }
  // Runs a capif-invoker command that must succeed.
  static InvokerCli::Result must(const InvokerCli& inv, const std::string& command,
                                 const std::string& args = {}) {
    auto r = command == "onboard" ? inv.onboard() : inv.run(command, args);
    if (r.status != 0)
      throw std::runtime_error("capif-invoker " + command + " " + args + " failed: " + r.raw);
    return r;
  }
  // discover + security (+ token for OAUTH) of one API (or every API of the AEF when api is empty).
  static void negotiate(const InvokerCli& inv, const AefProcess& aef, const std::string& method,
                        const std::string& api = {}) {
    must(inv, "discover", "--aef-id " + aef.aef_id());
    must(inv, "security",
         "--aef-id " + aef.aef_id() + (api.empty() ? "" : " --api-id " + api_id(aef, api)) + " --methods " +
             method);
  }
  static void get_token(const InvokerCli& inv, const AefProcess& aef, const std::string& apis) {
    must(inv, "token", "--scope '3gpp#" + aef.aef_id() + ":" + apis + "'");
  }

  std::unique_ptr<CcfProcess> ccf;
  std::vector<std::unique_ptr<AefProcess>> aefs;
  std::vector<std::unique_ptr<InvokerCli>> invokers;
};

// ---------------------------------------------------------------------------------------------------------
// OAuth: tokens the AEF must not accept. One AEF, one invoker that negotiated OAUTH and holds a real token.
class TokenRefusals : public Refusals {
 protected:
  void SetUp() override {
    start_ccf();
    aef = &add_aef();
    inv = &add_invoker();
    negotiate(*inv, *aef, "OAUTH");
    get_token(*inv, *aef, "weather");
    files = read_state(*inv);
    ASSERT_FALSE(files.tokens.empty());
    token = files.tokens.back();
    client = aef_client(*ccf, *aef);
    auto r = call(*client, *aef, "/weather/hello", token);  // control: the genuine token works
    ASSERT_TRUE(r.ok()) << r.error;
    ASSERT_EQ(r.status, 200) << r.body;
    signing_key = crypto::read_file(ccf->dir() / "data" / "token-signing.key");
  }
  // A token with the real header and these claims, signed with the CCF's own key (as the CCF would).
  std::string ccf_signed(const json& claims) const {
    return crypto::jws_sign_es256(claims, signing_key, jws_part(token, 0).at("kid"));
  }

  AefProcess* aef = nullptr;
  InvokerCli* inv = nullptr;
  InvokerFiles files;
  std::string token, signing_key;
  std::unique_ptr<http::BlockingClient> client;
};

// 1. exp more than the 30 s leeway in the past. The same claims with a future exp are accepted, so the
// refusal is the AEF's exp check and nothing else.
TEST_F(TokenRefusals, ExpiredTokenIsRefused) {
  json claims = jws_part(token, 1);
  claims["iat"] = now_s() - 300;
  claims["exp"] = now_s() - 45;
  auto r = call(*client, *aef, "/weather/hello", ccf_signed(claims));
  expect_problem(r, 401, {}, "expired");
  ASSERT_NE(r.header("www-authenticate"), nullptr);
  EXPECT_NE(r.header("www-authenticate")->find("invalid_token"), std::string::npos);

  claims["exp"] = now_s() + 300;  // control: the same crafted token, not expired
  r = call(*client, *aef, "/weather/hello", ccf_signed(claims));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200) << r.body;
}

// A key the CCF no longer lists stops verifying at the AEF within security.jwks_max_age_ms, and a token the
// AEF verified with it before is not kept in its cache either: the CCF restarts with a new signing key
// (docs/operations.md, how to withdraw a key that leaked), and the genuine token it signed before is refused.
TEST_F(TokenRefusals, AKeyTheCcfWithdrewStopsVerifyingAtTheAef) {
  // A second AEF that refetches the JWKS once it is a second old.
  auto& fresh = add_aef({.apis = {{"weather", "/weather"}}, .extra_yaml = "security:\n  jwks_max_age_ms: 1000\n"});
  negotiate(*inv, fresh, "OAUTH");
  get_token(*inv, fresh, "weather");
  const std::string old_token = read_state(*inv).tokens.back();
  auto c = aef_client(*ccf, fresh);
  auto r = call(*c, fresh, "/weather/hello", old_token);
  ASSERT_EQ(r.status, 200) << r.body;  // verified, and now in the AEF's cache

  ASSERT_EQ(ccf->terminate(), 0);
  crypto::write_file_atomic(ccf->dir() / "data" / "token-signing.key", crypto::generate_ec_key_pem(), true);
  ccf->start();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  expect_problem(call(*c, fresh, "/weather/hello", old_token), 401, {}, "unknown key");

  get_token(*inv, fresh, "weather");  // control: a token signed with the new key is accepted
  r = call(*c, fresh, "/weather/hello", read_state(*inv).tokens.back());
  EXPECT_EQ(r.status, 200) << r.body;
}

// 4. The real claims and kid, signed with another key.
TEST_F(TokenRefusals, ForgedSignatureIsRefused) {
  const std::string forged =
      crypto::jws_sign_es256(jws_part(token, 1), crypto::generate_ec_key_pem(), jws_part(token, 0).at("kid"));
  expect_problem(call(*client, *aef, "/weather/hello", forged), 401, {}, "signature");
  // The genuine signature over altered claims (a longer lifetime) does not verify either.
  json claims = jws_part(token, 1);
  claims["exp"] = claims["exp"].get<std::int64_t>() + 86400;
  const std::string spliced =
      token.substr(0, token.find('.')) + "." + b64json(claims) + token.substr(token.rfind('.'));
  expect_problem(call(*client, *aef, "/weather/hello", spliced), 401, {}, "signature");
}

// 5. alg "none" with the real claims and no signature (with and without the trailing dot).
TEST_F(TokenRefusals, AlgNoneIsRefused) {
  json header{{"alg", "none"}, {"typ", "JWT"}, {"kid", jws_part(token, 0).at("kid")}};
  const std::string unsigned_token = b64json(header) + "." + b64json(jws_part(token, 1)) + ".";
  expect_problem(call(*client, *aef, "/weather/hello", unsigned_token), 401, {}, "ES256");
  expect_problem(call(*client, *aef, "/weather/hello", unsigned_token.substr(0, unsigned_token.size() - 1)),
                 401);
  // "none" with the genuine ES256 signature kept.
  const std::string kept =
      b64json(header) + "." + b64json(jws_part(token, 1)) + token.substr(token.rfind('.'));
  expect_problem(call(*client, *aef, "/weather/hello", kept), 401);
}

// 6. HS256 keyed with the CCF's public key (the key confusion attack).
TEST_F(TokenRefusals, Hs256KeyedWithThePublicKeyIsRefused) {
  const std::string public_pem = crypto::public_key_pem(signing_key);
  for (const std::string& key : {public_pem, trimmed(public_pem)}) {
    json header{{"alg", "HS256"}, {"typ", "JWT"}, {"kid", jws_part(token, 0).at("kid")}};
    const std::string input = b64json(header) + "." + b64json(jws_part(token, 1));
    const std::string confused = input + "." + crypto::base64url_encode(hs256(key, input));
    expect_problem(call(*client, *aef, "/weather/hello", confused), 401, {}, "ES256");
  }
}

// 2. A genuine token of the CCF for the same API name at another AEF: its audience is AEF 2.
TEST_F(Refusals, TokenForAnotherAefIsRefused) {
  start_ccf();
  auto& aef1 = add_aef();
  auto& aef2 = add_aef();  // also publishes an API named "weather"
  auto& inv = add_invoker();
  negotiate(inv, aef1, "OAUTH");
  negotiate(inv, aef2, "OAUTH");
  get_token(inv, aef2, "weather");
  const auto token = read_state(inv).tokens.back();

  auto c2 = aef_client(*ccf, aef2);
  auto r = call(*c2, aef2, "/weather/hello", token);  // control
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200) << r.body;

  auto c1 = aef_client(*ccf, aef1);
  expect_problem(call(*c1, aef1, "/weather/hello", token), 401, {}, "aud");
}

// 3. AEF with two APIs, both negotiated with OAUTH; the token's scope names only one of them.
TEST_F(Refusals, ApiOutsideTheTokenScopeIsRefused) {
  start_ccf();
  auto& aef = add_aef({.apis = {{"weather", "/weather"}, {"traffic", "/traffic"}}});
  auto& inv = add_invoker();
  negotiate(inv, aef, "OAUTH");
  get_token(inv, aef, "weather");
  const auto token = read_state(inv).tokens.back();
  auto c = aef_client(*ccf, aef);
  auto r = call(*c, aef, "/weather/hello", token);  // control
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200) << r.body;
  expect_problem(call(*c, aef, "/traffic/hello", token), 403, "INSUFFICIENT_SCOPE", "traffic");
}

// ---------------------------------------------------------------------------------------------------------
// One AEF with three APIs, one invoker that negotiated PSK for alpha, PKI for beta and OAUTH for gamma, and
// has called each successfully. Then its authorization ends (revocation or offboarding): all three refused.
class EndOfAuthorization : public Refusals {
 protected:
  void SetUp() override {
    start_ccf();
    aef = &add_aef({.apis = {{"alpha", "/alpha"}, {"beta", "/beta"}, {"gamma", "/gamma"}}});
    inv = &add_invoker();
    negotiate(*inv, *aef, "PSK", "alpha");
    negotiate(*inv, *aef, "PKI", "beta");
    negotiate(*inv, *aef, "OAUTH", "gamma");
    get_token(*inv, *aef, "gamma");
    files = read_state(*inv);
    ASSERT_EQ(files.psk.count(aef->aef_id()), 1u);
    auto r = check_authentication(*ccf, *aef, files);
    ASSERT_EQ(r.status, 200) << r.body << r.error;

    psk = aef_client(*ccf, *aef, {.psk_identity = files.id, .psk_key = files.psk.at(aef->aef_id())});
    pki = aef_client(*ccf, *aef, {.cert_pem = files.cert_pem, .key_pem = files.key_pem});
    oauth = aef_client(*ccf, *aef);
    const std::vector<std::tuple<http::BlockingClient*, std::string, std::string>> calls{
        {psk.get(), "/alpha/hello", ""},
        {pki.get(), "/beta/hello", ""},
        {oauth.get(), "/gamma/hello", files.tokens.back()}};
    for (const auto& [c, path, token] : calls) {
      r = call(*c, *aef, path, token);
      ASSERT_TRUE(r.ok()) << path << ": " << r.error;
      ASSERT_EQ(r.status, 200) << path << ": " << r.body;
    }
  }

  // Every method refused; the AEF learns it asynchronously (revoke-authorization from the CCF).
  void expect_all_refused() {
    EXPECT_TRUE(eventually([&] {
      return call(*oauth, *aef, "/gamma/hello", files.tokens.back()).status == 401;
    })) << "the token still works";
    expect_problem(call(*oauth, *aef, "/gamma/hello", files.tokens.back()), 401, {}, "revoked");

    EXPECT_TRUE(eventually([&] { return call(*pki, *aef, "/beta/hello").status == 401; }));
    expect_method_invalid(call(*pki, *aef, "/beta/hello"));

    // The PSK session opened before keeps its connection, but the AEF no longer accepts it ...
    auto r = call(*psk, *aef, "/alpha/hello");
    EXPECT_TRUE(r.reused_connection);
    expect_method_invalid(r);
    // ... and a new TLS-PSK handshake with the same identity and key is refused.
    for (const char* tls : {"1.3", "1.2"}) {
      auto fresh = aef_client(*ccf, *aef,
                              {.psk_identity = files.id, .psk_key = files.psk.at(aef->aef_id()), .tls = tls});
      r = call(*fresh, *aef, "/alpha/hello");
      EXPECT_FALSE(r.ok()) << "TLS " << tls << ": " << r.status << " " << r.body;
    }
  }

  AefProcess* aef = nullptr;
  InvokerCli* inv = nullptr;
  InvokerFiles files;
  std::unique_ptr<http::BlockingClient> psk, pki, oauth;
};

// 7a. The invoker deletes its own security context.
TEST_F(EndOfAuthorization, RevokedByTheInvokerEveryMethodIsRefused) {
  auto c = make_client(*ccf, files.cert_pem, files.key_pem);
  auto r = send(*c, "DELETE", security_url(*ccf, "trustedInvokers/" + files.id));
  ASSERT_EQ(r.status, 204) << r.body << r.error;
  expect_all_refused();
  // And the CCF issues no new token for it.
  r = send(*c, "POST", security_url(*ccf, "securities/" + files.id + "/token"),
           "grant_type=client_credentials&client_id=" + files.id +
               "&client_secret=" + http::percent_encode(files.secret),
           "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(body_json(r).value("error", ""), "invalid_scope") << r.body;
}

// 7b. Another AEF of the invoker's context revokes it: the CCF tells this AEF (revoke-authorization).
TEST_F(EndOfAuthorization, RevokedByAnotherAefEveryMethodIsRefused) {
  auto& other = add_aef({.apis = {{"delta", "/delta"}}});
  negotiate(*inv, other, "PKI");
  auto r = check_authentication(*ccf, *aef, read_state(*inv));  // the renegotiation changed the AEFPSK
  ASSERT_EQ(r.status, 200) << r.body;
  files = read_state(*inv);
  psk = aef_client(*ccf, *aef, {.psk_identity = files.id, .psk_key = files.psk.at(aef->aef_id())});
  r = call(*psk, *aef, "/alpha/hello");
  ASSERT_EQ(r.status, 200) << r.body << r.error;

  r = send(*function_client(*ccf, other, "aef"), "DELETE", security_url(*ccf, "trustedInvokers/" + files.id));
  ASSERT_EQ(r.status, 204) << r.body << r.error;
  expect_all_refused();
}

// 8. capif-invoker offboard: the CCF deletes the context and tells the AEF; PSK, PKI and OAuth all refused.
TEST_F(EndOfAuthorization, OffboardedInvokerEveryMethodIsRefused) {
  must(*inv, "offboard");
  expect_all_refused();
  // Its certificate no longer authenticates at the CCF either.
  auto c = make_client(*ccf, files.cert_pem, files.key_pem);
  expect_problem(send(*c, "GET", discover_url(*ccf, files.id)), 401);
}

// ---------------------------------------------------------------------------------------------------------
// TLS-PSK: one invoker that negotiated PSK; the AEF has its AEFPSK (check-authentication).
class PskRefusals : public Refusals {
 protected:
  void SetUp() override {
    start_ccf();
    aef = &add_aef();
    inv = &add_invoker();
    negotiate(*inv, *aef, "PSK");
    files = read_state(*inv);
    ASSERT_EQ(files.psk.count(aef->aef_id()), 1u);
    ASSERT_EQ(check_authentication(*ccf, *aef, files).status, 200);
    for (const char* tls : {"1.3", "1.2"}) {  // control: the right identity and key, both TLS versions
      auto c = aef_client(*ccf, *aef,
                          {.psk_identity = files.id, .psk_key = files.psk.at(aef->aef_id()), .tls = tls});
      auto r = call(*c, *aef, "/weather/hello");
      ASSERT_TRUE(r.ok()) << tls << ": " << r.error;
      ASSERT_EQ(r.status, 200) << r.body;
      ASSERT_FALSE(r.tls.psk_identity.empty());
    }
  }
  AefProcess* aef = nullptr;
  InvokerCli* inv = nullptr;
  InvokerFiles files;
};

// 9. An identity the AEF does not know. TLS 1.2 (PSK cipher suites only): the server aborts the handshake.
// TLS 1.3: no PSK session is established (the server may only continue with its certificate, which the
// client refuses to fall back to).
TEST_F(PskRefusals, UnknownIdentityIsRefused) {
  for (const char* tls : {"1.2", "1.3"}) {
    auto c = aef_client(
        *ccf, *aef,
        {.psk_identity = crypto::random_id("INV"), .psk_key = crypto::random_bytes(32), .tls = tls});
    auto r = call(*c, *aef, "/weather/hello");
    EXPECT_FALSE(r.ok()) << tls << ": " << r.status << " " << r.body;
    if (std::string(tls) == "1.2") {
      EXPECT_NE(r.error.find("handshake"), std::string::npos) << r.error;
    }
  }
}

// 10. The right identity with another key: the handshake fails (TLS 1.3 binder, TLS 1.2 Finished).
TEST_F(PskRefusals, WrongKeyIsRefused) {
  for (const char* tls : {"1.3", "1.2"}) {
    auto c =
        aef_client(*ccf, *aef, {.psk_identity = files.id, .psk_key = crypto::random_bytes(32), .tls = tls});
    auto r = call(*c, *aef, "/weather/hello");
    EXPECT_FALSE(r.ok()) << tls << ": " << r.status << " " << r.body;
    EXPECT_NE(r.error.find("handshake"), std::string::npos) << tls << ": " << r.error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// 11. A certificate with CN = the invoker's id, issued by a CA the test made: 401, not the invoker.
TEST_F(Refusals, PkiCertificateFromAnotherCaIsRefused) {
  start_ccf();
  auto& aef = add_aef();
  auto& inv = add_invoker();
  negotiate(inv, aef, "PKI");
  const auto files = read_state(inv);
  auto genuine = aef_client(*ccf, aef, {.cert_pem = files.cert_pem, .key_pem = files.key_pem});
  auto r = call(*genuine, aef, "/weather/hello");  // control
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.status, 200) << r.body;

  auto rogue_ca = crypto::CertificateAuthority::create("rogue-ca", 1);
  const auto key = crypto::generate_ec_key_pem();
  const auto cert = rogue_ca.issue_client_cert(crypto::make_csr_pem(key, files.id), files.id, 1);
  auto c = aef_client(*ccf, aef, {.cert_pem = cert, .key_pem = key});
  expect_problem(call(*c, aef, "/weather/hello"), 401, {}, "not issued by the CCF");
}

// 12. The invoker negotiated OAUTH; its (genuine) certificate alone is the wrong method.
TEST_F(Refusals, PkiCertificateOfAnOAuthInvokerIsRefused) {
  start_ccf();
  auto& aef = add_aef();
  auto& inv = add_invoker();
  negotiate(inv, aef, "OAUTH");
  get_token(inv, aef, "weather");
  const auto files = read_state(inv);
  auto plain = aef_client(*ccf, aef);
  auto r = call(*plain, aef, "/weather/hello", files.tokens.back());  // control
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.status, 200) << r.body;

  auto c = aef_client(*ccf, aef, {.cert_pem = files.cert_pem, .key_pem = files.key_pem});
  r = call(*c, aef, "/weather/hello");
  expect_method_invalid(r);
  EXPECT_NE(body_json(r).value("detail", "").find("OAUTH"), std::string::npos) << r.body;
}

// 13. AEF 2 asks the CCF for the security information of an invoker that only negotiated AEF 1's API.
TEST_F(Refusals, AefCannotReadSecurityInfoOfAnInvokerThatDidNotNegotiateItsApi) {
  start_ccf();
  auto& aef1 = add_aef();
  auto& aef2 = add_aef({.apis = {{"traffic", "/traffic"}}});
  auto& inv = add_invoker();
  negotiate(inv, aef1, "PKI");
  const auto files = read_state(inv);
  const std::string url =
      security_url(*ccf, "trustedInvokers/" + files.id + "?authenticationInfo=true&authorizationInfo=true");

  auto r = send(*function_client(*ccf, aef1, "aef"), "GET", url);  // control: AEF 1 may
  ASSERT_EQ(r.status, 200) << r.body << r.error;
  EXPECT_EQ(body_json(r).at("securityInfo").at(0).value("authenticationInfo", ""), ccf->ca_pem());

  r = send(*function_client(*ccf, aef2, "aef"), "GET", url);
  expect_problem(r, 403);
  EXPECT_EQ(r.body.find("BEGIN CERTIFICATE"), std::string::npos);
  // The same through capif-aef: check-authentication at AEF 2 is refused.
  expect_problem(check_authentication(*ccf, aef2, files), 403);
  // An invoker that never negotiated anything.
  auto& other = add_invoker();
  r = send(*function_client(*ccf, aef2, "aef"), "GET",
           security_url(*ccf, "trustedInvokers/" + other.invoker_id()));
  expect_problem(r, 404);  // documented: no context at all is 404 (docs/security.md)
}

// 14. Invoker A, over its own mutual TLS session, asks a token for invoker B (even with B's secret).
TEST_F(Refusals, InvokerCannotGetATokenForAnotherInvoker) {
  start_ccf();
  auto& aef = add_aef();
  auto& a = add_invoker();
  auto& b = add_invoker();
  negotiate(a, aef, "OAUTH");
  negotiate(b, aef, "OAUTH");
  const auto fa = read_state(a), fb = read_state(b);
  auto token_request = [&](const InvokerFiles& session, const std::string& security_id,
                           const std::string& client_id, const std::string& secret) {
    auto c = make_client(*ccf, session.cert_pem, session.key_pem);
    return send(*c, "POST", security_url(*ccf, "securities/" + security_id + "/token"),
                "grant_type=client_credentials&client_id=" + client_id +
                    "&client_secret=" + http::percent_encode(secret),
                "application/x-www-form-urlencoded");
  };
  auto r = token_request(fb, fb.id, fb.id, fb.secret);  // control: B for itself
  ASSERT_EQ(r.status, 200) << r.body << r.error;

  auto expect_invalid_client = [](const http::ClientResponse& r) {
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.status, 401) << r.body;
    auto j = body_json(r);
    EXPECT_EQ(j.value("error", ""), "invalid_client") << r.body;
    EXPECT_FALSE(j.contains("access_token")) << r.body;
    ASSERT_NE(r.header("cache-control"), nullptr);
    EXPECT_EQ(*r.header("cache-control"), "no-store");
    ASSERT_NE(r.header("www-authenticate"), nullptr);
    EXPECT_NE(r.header("www-authenticate")->find("Basic"), std::string::npos);
  };
  expect_invalid_client(token_request(fa, fb.id, fb.id, fb.secret));  // A's session, all of B's credentials
  expect_invalid_client(token_request(fa, fb.id, fa.id, fa.secret));  // B's path, A's client_id
  expect_invalid_client(token_request(fa, fb.id, fb.id, fa.secret));
}

// ---------------------------------------------------------------------------------------------------------
// 15. Access control policy of the CCF enforced by the AEF.
TEST_F(Refusals, OverTheTotalInvocationLimit) {
  start_ccf({.extra_yaml = "security:\n  access_control:\n    allowed_total_invocations: 3\n"});
  auto& aef = add_aef();
  auto& inv = add_invoker();
  negotiate(inv, aef, "PKI");
  const auto files = read_state(inv);
  auto c = aef_client(*ccf, aef, {.cert_pem = files.cert_pem, .key_pem = files.key_pem});
  for (int i = 1; i <= 3; ++i) {
    auto r = call(*c, aef, "/weather/hello");
    ASSERT_EQ(r.status, 200) << "call " << i << ": " << r.body << r.error;
  }
  for (int i = 4; i <= 5; ++i)
    expect_problem(call(*c, aef, "/weather/hello"), 429, "INVOCATION_LIMIT_REACHED");
}

TEST_F(Refusals, OverTheInvocationsPerSecondLimit) {
  start_ccf({.extra_yaml = "security:\n  access_control:\n    allowed_invocations_per_second: 2\n"});
  auto& aef = add_aef();
  auto& inv = add_invoker();
  negotiate(inv, aef, "OAUTH");
  get_token(inv, aef, "weather");
  const auto token = read_state(inv).tokens.back();
  auto c = aef_client(*ccf, aef);
  int ok = 0;
  std::optional<http::ClientResponse> refused;
  for (int i = 0; i < 8 && !refused; ++i) {
    auto r = call(*c, aef, "/weather/hello", token);
    ASSERT_TRUE(r.ok()) << r.error;
    if (r.status == 200)
      ++ok;
    else
      refused = r;
  }
  ASSERT_TRUE(refused) << "8 back-to-back calls and none over 2 per second";
  expect_problem(*refused, 429, "INVOCATION_RATE_EXCEEDED");
  EXPECT_GE(ok, 2);
  std::this_thread::sleep_for(1100ms);  // the next one-second window
  auto r = call(*c, aef, "/weather/hello", token);
  EXPECT_EQ(r.status, 200) << r.body;
}

// ---------------------------------------------------------------------------------------------------------
// 16. Invocation logs reach the CCF (Auditing API with the AMF's certificate), also those of calls made
// while the CCF was down.
TEST_F(Refusals, InvocationLogsReachTheCcfAlsoAfterAnOutage) {
  start_ccf();
  auto& aef = add_aef();
  auto& inv = add_invoker();
  negotiate(inv, aef, "OAUTH");
  get_token(inv, aef, "weather");
  const auto files = read_state(inv);
  const auto token = files.tokens.back();
  auto c = aef_client(*ccf, aef);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(call(*c, aef, "/weather/hello", token).status, 200);

  // Counts this invoker's logged calls with that operation, as the AMF sees them.
  std::string last_answer;
  auto logged = [&](const std::string& operation) {
    auto amf = function_client(*ccf, aef, "amf");
    auto r = send(*amf, "GET",
                  ccf->api_root() + "/logs/v1/apiInvocationLogs?aef-id=" + aef.aef_id() +
                      "&api-invoker-id=" + files.id + "&operation=" + operation);
    last_answer = std::to_string(r.status) + " " + r.body + r.error;
    if (r.status == 404) return 0;
    if (r.status != 200) return -1;
    int n = 0;
    const json body = body_json(r);  // named: the loop must not iterate into a destroyed temporary
    for (const auto& doc : body.at("multipleInvocationLogs")) {
      if (doc.value("aefId", "") != aef.aef_id() || doc.value("apiInvokerId", "") != files.id) return -1;
      for (const auto& log : doc.at("logs"))
        if (log.value("apiName", "") == "weather" && log.value("result", "") == "200") ++n;
    }
    return n;
  };
  EXPECT_TRUE(eventually([&] { return logged("GET") == 2; })) << last_answer;
  EXPECT_EQ(logged("POST"), 0) << last_answer;

  ccf->terminate();
  for (int i = 0; i < 3; ++i) {  // the AEF verifies tokens locally: calls go on while the CCF is down
    const auto t0 = std::chrono::steady_clock::now();
    auto r = send(*c, "POST", aef.base_url() + "/weather/echo", "{}", "application/json",
                  {{"Authorization", "Bearer " + token}});
    ASSERT_EQ(r.status, 200) << r.body << r.error;
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s) << "a call waited for the CCF";
  }
  std::this_thread::sleep_for(500ms);  // a few failed deliveries
  ccf->start();
  EXPECT_TRUE(eventually([&] { return logged("POST") == 3; }, 8000ms)) << last_answer;
  EXPECT_EQ(logged("GET"), 2) << last_answer;  // nothing delivered twice
}

// 17. The upstream does not answer: 502 ProblemDetails.
TEST_F(Refusals, UpstreamDownIsBadGateway) {
  start_ccf();
  auto& aef = add_aef({.upstream_url = "http://127.0.0.1:" + std::to_string(free_port())});
  auto& inv = add_invoker();
  negotiate(inv, aef, "PKI");
  const auto files = read_state(inv);
  auto c = aef_client(*ccf, aef, {.cert_pem = files.cert_pem, .key_pem = files.key_pem});
  expect_problem(call(*c, aef, "/weather/hello"), 502, "UPSTREAM_FAILURE");
  // Not an authorization problem: without credentials it is still 401.
  expect_problem(call(*aef_client(*ccf, aef), aef, "/weather/hello"), 401);
}

}  // namespace
