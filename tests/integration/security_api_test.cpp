// CAPIF_Security_API, Access Control Policy, Logging and Auditing against the real capif-ccf over mutual
// TLS: negotiation, the security information AEFs fetch (AEFPSK checked against the test's own derivation
// from the TLS session it used), revocation with its outbound notifications, the token endpoint with every
// AccessTokenErr, and the ownership checks of each API.
#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"
#include "capif/crypto/jwt.hpp"
#include "capif/crypto/kdf.hpp"
#include "capif/crypto/pki.hpp"
#include "capif/http/uri.hpp"
#include "capture_server.hpp"
#include "problem_expect.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <thread>

using namespace capif::testing;
namespace crypto = capif::crypto;

namespace {

constexpr auto kWait = std::chrono::seconds(5);

json interface(std::uint16_t port, const std::string& prefix, std::optional<json> methods = std::nullopt) {
  json i{{"ipv4Addr", "127.0.0.1"}, {"port", port}, {"apiPrefix", prefix}};
  if (methods) i["securityMethods"] = *methods;
  return i;
}

// One AEF profile whose (only) interface is 127.0.0.1:port/prefix.
json api_body(const std::string& name, const std::string& aef_id, std::uint16_t port,
              const json& profile_methods, std::optional<json> interface_methods = std::nullopt) {
  auto body = service_api_body(name, aef_id);
  auto& p = body["aefProfiles"][0];
  p["securityMethods"] = profile_methods;
  p["interfaceDescriptions"] = json::array({interface(port, "/" + name, interface_methods)});
  return body;
}

json by_aef(const std::string& aef_id, const json& prefs, std::optional<std::string> api_id = std::nullopt) {
  json e{{"aefId", aef_id}, {"prefSecurityMethods", prefs}};
  if (api_id) e["apiId"] = *api_id;
  return e;
}

json by_interface(const json& intf, const json& prefs) {
  return {{"interfaceDetails", intf}, {"prefSecurityMethods", prefs}};
}

json service_security(const json& entries, const std::string& destination = "http://127.0.0.1:1/notify") {
  return {{"securityInfo", entries}, {"notificationDestination", destination}};
}

std::int64_t unix_now_for_tests() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string key_id_of(const std::string& jws) {
  const auto dot = jws.find('.');
  return json::parse(crypto::base64url_decode(jws.substr(0, dot))).at("kid");
}

class SecurityApi : public ::testing::Test {
 protected:
  void start(const std::string& extra_yaml = {}) {
    CcfOptions o;
    o.extra_yaml = extra_yaml;
    ccf_ = std::make_unique<CcfProcess>(o);
    ccf_->start();
    prov_ = register_provider(*ccf_);
    inv_ = onboard_invoker(*ccf_);
    // API "alpha": methods on the profile only; API "beta": its interface overrides the profile. An entry
    // naming only the AEF covers both, so it can select PSK or PKI (what both support).
    alpha_ = publish(*ccf_, prov_, api_body("alpha", prov_.aef.id, 9001, {"PKI", "OAUTH", "PSK"}))["apiId"];
    beta_ = publish(*ccf_, prov_,
                    api_body("beta", prov_.aef.id, 9002, {"PKI", "OAUTH"}, json{"PSK", "PKI"}))["apiId"];
  }
  void SetUp() override { start(); }

  CcfProcess& ccf() { return *ccf_; }
  std::string trusted(const std::string& id, const std::string& suffix = {}) {
    return ccf().api_root() + "/capif-security/v1/trustedInvokers/" + id + suffix;
  }
  std::string token_url(const std::string& id) {
    return ccf().api_root() + "/capif-security/v1/securities/" + id + "/token";
  }
  capif::http::ClientResponse negotiate(Invoker& inv, const json& entries,
                                        const std::string& dest = "http://127.0.0.1:1/n") {
    return send_json(*inv.client, "PUT", trusted(inv.id), service_security(entries, dest));
  }
  json security_of(Identity& aef, const std::string& invoker_id, int expect = 200) {
    auto r = send(*aef.client, "GET", trusted(invoker_id, "?authenticationInfo=true&authorizationInfo=true"));
    EXPECT_EQ(r.status, expect) << r.body;
    return body_json(r);
  }
  capif::http::ClientResponse token(capif::http::BlockingClient& client, const std::string& security_id,
                                    const std::string& form,
                                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    return send(client, "POST", token_url(security_id), form, "application/x-www-form-urlencoded",
                std::move(headers));
  }
  std::string form(const std::string& scope = {}) {
    std::string f =
        "grant_type=client_credentials&client_id=" + inv_.id + "&client_secret=" + inv_.onboarding_secret;
    if (!scope.empty()) f += "&scope=" + capif::http::percent_encode(scope);
    return f;
  }
  std::string signing_public_pem() {
    return crypto::public_key_pem(crypto::read_file(ccf().dir() / "data" / "token-signing.key"));
  }

  std::unique_ptr<CcfProcess> ccf_;
  Provider prov_;
  Invoker inv_;
  std::string alpha_, beta_;
};

void expect_token_error(const capif::http::ClientResponse& r, int status, const std::string& error) {
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, status) << r.body;
  ASSERT_NE(r.header("content-type"), nullptr);
  EXPECT_EQ(*r.header("content-type"), "application/json") << "AccessTokenErr, not ProblemDetails";
  auto j = body_json(r);
  EXPECT_EQ(j.value("error", ""), error) << r.body;
  EXPECT_FALSE(j.value("error_description", "").empty()) << r.body;
  EXPECT_FALSE(j.contains("status")) << r.body;
}

}  // namespace

// ---- negotiation ----

TEST_F(SecurityApi, NegotiationTakesTheInvokersOrderAndTheInterfaceOverridesTheProfile) {
  auto r =
      negotiate(inv_, json::array({
                          by_aef(prov_.aef.id, {"OAUTH", "PKI"}, alpha_),            // first preference fits
                          by_aef(prov_.aef.id, {"TLS_X", "PKI"}, alpha_),            // unknown one skipped
                          by_interface(interface(9002, "/beta"), {"OAUTH", "PSK"}),  // OAUTH: profile only
                          by_interface(interface(9002, "/beta"), {"OAUTH"}),         // nothing in common
                          by_aef(prov_.aef.id, {"OAUTH", "PKI"}),  // alpha and beta: both must support it
                      }));
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_NE(r.header("location"), nullptr);
  EXPECT_EQ(*r.header("location"), trusted(inv_.id));
  auto j = body_json(r);
  ASSERT_EQ(j["securityInfo"].size(), 5u);
  EXPECT_EQ(j["securityInfo"][0].value("selSecurityMethod", ""), "OAUTH");
  EXPECT_EQ(j["securityInfo"][1].value("selSecurityMethod", ""), "PKI");
  EXPECT_EQ(j["securityInfo"][2].value("selSecurityMethod", ""), "PSK");
  EXPECT_FALSE(j["securityInfo"][3].contains("selSecurityMethod")) << j.dump();
  EXPECT_EQ(j["securityInfo"][4].value("selSecurityMethod", ""), "PKI");
  for (const auto& e : j["securityInfo"])
    EXPECT_FALSE(e.contains("authenticationInfo")) << "no key to the invoker";

  // POST .../update renegotiates: 200.
  auto u = send_json(*inv_.client, "POST", trusted(inv_.id, "/update"),
                     service_security(json::array({by_aef(prov_.aef.id, {"PKI"})})));
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(body_json(u)["securityInfo"][0].value("selSecurityMethod", ""), "PKI");
}

TEST_F(SecurityApi, CcfPolicyFiltersMethods) {
  start("security:\n  allowed_methods: [PKI]\n");
  auto r = negotiate(inv_, json::array({by_aef(prov_.aef.id, {"OAUTH", "PKI"}, alpha_),
                                        by_aef(prov_.aef.id, {"OAUTH"}, alpha_)}));
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = body_json(r);
  EXPECT_EQ(j["securityInfo"][0].value("selSecurityMethod", ""), "PKI");
  EXPECT_FALSE(j["securityInfo"][1].contains("selSecurityMethod"));
}

TEST_F(SecurityApi, UnknownAefApiOrInterfaceIs400) {
  auto r = negotiate(
      inv_, json::array({by_aef("AEFnope", {"PKI"}), by_interface(interface(9999, "/alpha"), {"PKI"}),
                         by_aef(prov_.aef.id, {"PKI"}, "APInope")}));
  EXPECT_PROBLEM(r, 400, "/securityInfo/0/aefId", "/securityInfo/1/interfaceDetails",
                 "/securityInfo/2/apiId");
  // An APF or AMF id is not an AEF.
  EXPECT_PROBLEM(negotiate(inv_, json::array({by_aef(prov_.apf.id, {"PKI"})})), 400, "/securityInfo/0/aefId");
  // The oneOf rule of SecurityInformation.
  auto both = by_aef(prov_.aef.id, {"PKI"});
  both["interfaceDetails"] = interface(9001, "/alpha");
  EXPECT_PROBLEM(negotiate(inv_, json::array({both})), 400, "/securityInfo/0");
}

TEST_F(SecurityApi, WrongCallersOfNegotiation) {
  auto other = onboard_invoker(ccf());
  auto body = service_security(json::array({by_aef(prov_.aef.id, {"PKI"})}));
  EXPECT_PROBLEM(send_json(*inv_.client, "PUT", trusted(other.id), body), 403);
  EXPECT_PROBLEM(send_json(*prov_.aef.client, "PUT", trusted(inv_.id), body), 403);
  EXPECT_PROBLEM(send_json(*inv_.client, "POST", trusted(inv_.id, "/update"), body), 404);
  auto anon = make_client(ccf());
  EXPECT_PROBLEM(send_json(*anon, "PUT", trusted(inv_.id), body), 401);
}

// ---- security information for AEFs ----

TEST_F(SecurityApi, AefGetsPkiCaAndAuthorizationInfo) {
  ASSERT_EQ(negotiate(inv_, json::array({by_aef(prov_.aef.id, {"PKI"})})).status, 201);
  auto j = security_of(prov_.aef, inv_.id);
  ASSERT_EQ(j["securityInfo"].size(), 1u) << j.dump();
  const auto& e = j["securityInfo"][0];
  EXPECT_EQ(e.value("selSecurityMethod", ""), "PKI");
  EXPECT_EQ(e.value("authenticationInfo", ""), ccf().ca_pem());
  auto authz = json::parse(e.value("authorizationInfo", "{}"));
  // The entry covers every API of the AEF, in apiId order.
  auto ids = std::vector<std::string>{alpha_, beta_};
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(authz["apiIds"], json(ids)) << authz.dump();
  EXPECT_EQ(authz["apiNames"], ids[0] == alpha_ ? json({"alpha", "beta"}) : json({"beta", "alpha"}));
  // Without the query flags, no credentials.
  auto plain = body_json(send(*prov_.aef.client, "GET", trusted(inv_.id)));
  EXPECT_FALSE(plain["securityInfo"][0].contains("authenticationInfo")) << plain.dump();
  EXPECT_PROBLEM(send(*prov_.aef.client, "GET", trusted(inv_.id, "?authenticationInfo=yes")), 400,
                 "authenticationInfo");
}

TEST_F(SecurityApi, AnotherAefOrAnInvokerCannotReadTheSecurityInformation) {
  ASSERT_EQ(negotiate(inv_, json::array({by_aef(prov_.aef.id, {"PKI"})})).status, 201);
  auto other = register_provider(ccf());
  publish(ccf(), other, api_body("gamma", other.aef.id, 9003, {"PKI"}));
  EXPECT_PROBLEM(send(*other.aef.client, "GET", trusted(inv_.id, "?authenticationInfo=true")), 403);
  EXPECT_PROBLEM(send(*inv_.client, "GET", trusted(inv_.id)), 403);
  EXPECT_PROBLEM(send(*prov_.apf.client, "GET", trusted(inv_.id)), 403);
  auto never = onboard_invoker(ccf());
  EXPECT_PROBLEM(send(*prov_.aef.client, "GET", trusted(never.id)), 404);
}

class SecurityApiPsk : public SecurityApi, public ::testing::WithParamInterface<std::string> {};

TEST_P(SecurityApiPsk, AefPskEqualsTheInvokersDerivationFromTheNegotiationSession) {
  // The invoker's own connection, forced to the TLS version under test.
  capif::http::ClientConfig cfg;
  cfg.ca_pem = ccf().ca_pem();
  cfg.client_cert_pem = inv_.cert_pem;
  cfg.client_key_pem = inv_.key_pem;
  cfg.max_tls_version = GetParam();
  capif::http::BlockingClient client(cfg);
  auto r = send_json(client, "PUT", trusted(inv_.id),
                     service_security(json::array({by_interface(interface(9002, "/beta"), {"PSK"}),
                                                   by_aef(prov_.aef.id, {"PSK"}, alpha_)})));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.tls.version, GetParam() == "1.2" ? "TLSv1.2" : "TLSv1.3");
  ASSERT_FALSE(r.tls.aefpsk_key.empty());
  if (GetParam() == "1.2") EXPECT_FALSE(r.tls.aefpsk_session_id.empty());
  auto j = security_of(prov_.aef, inv_.id);
  ASSERT_EQ(j["securityInfo"].size(), 2u);
  const std::string beta_psk =
      crypto::derive_aefpsk(r.tls.aefpsk_key, "127.0.0.1:9002/beta", r.tls.aefpsk_session_id);
  const std::string alpha_psk =
      crypto::derive_aefpsk(r.tls.aefpsk_key, "127.0.0.1:9001/alpha", r.tls.aefpsk_session_id);
  EXPECT_EQ(j["securityInfo"][0].value("selSecurityMethod", ""), "PSK");
  EXPECT_EQ(j["securityInfo"][0].value("authenticationInfo", ""), crypto::base64_encode(beta_psk));
  EXPECT_EQ(j["securityInfo"][1].value("authenticationInfo", ""), crypto::base64_encode(alpha_psk));
  EXPECT_NE(beta_psk, alpha_psk);
}

INSTANTIATE_TEST_SUITE_P(Tls, SecurityApiPsk, ::testing::Values("1.2", "1.3"),
                         [](const auto& info) { return info.param == "1.2" ? "Tls12" : "Tls13"; });

// ---- revocation ----

TEST_F(SecurityApi, AefRevocationNotifiesTheInvokerAndTheOtherAefs) {
  CaptureServer invoker_endpoint;
  auto other = register_provider(ccf());
  // The other AEF serves AEF_Security_API with its CCF-issued certificate (serverAuth + clientAuth).
  CaptureServer other_aef(other.aef.cert_pem, other.aef.key_pem, ccf().ca_pem());
  const std::string gamma =
      publish(ccf(), other, api_body("gamma", other.aef.id, other_aef.port(), {"PKI"}))["apiId"];
  ASSERT_EQ(
      negotiate(inv_, json::array({by_aef(prov_.aef.id, {"PKI"}, alpha_), by_aef(other.aef.id, {"PKI"})}),
                "http://127.0.0.1:" + std::to_string(invoker_endpoint.port()) + "/invoker/notify/security")
          .status,
      201);
  auto d = send(*prov_.aef.client, "DELETE", trusted(inv_.id));
  ASSERT_EQ(d.status, 204) << d.body;

  auto notes = invoker_endpoint.wait_for(1, kWait);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].path, "/invoker/notify/security");
  auto n = json::parse(notes[0].body);
  EXPECT_EQ(n["apiInvokerId"], inv_.id);
  EXPECT_EQ(n["aefId"], prov_.aef.id);
  EXPECT_EQ(n["cause"], "UNEXPECTED_REASON");
  EXPECT_EQ(n["apiIds"], json({alpha_, gamma}));

  auto revokes = other_aef.wait_for(1, kWait);
  ASSERT_EQ(revokes.size(), 1u);
  EXPECT_EQ(revokes[0].path, "/aef-security/v1/revoke-authorization");
  EXPECT_EQ(revokes[0].client_cn, "ccf-test") << "the CCF calls with its own certificate";
  auto rev = json::parse(revokes[0].body);
  EXPECT_EQ(rev["revokeInfo"]["apiInvokerId"], inv_.id);
  EXPECT_EQ(rev["revokeInfo"]["aefId"], other.aef.id);
  EXPECT_EQ(rev["revokeInfo"]["apiIds"], json({gamma}));

  EXPECT_PROBLEM(send(*prov_.aef.client, "GET", trusted(inv_.id)), 404);
  expect_token_error(token(*inv_.client, inv_.id, form()), 400, "invalid_scope");
}

TEST_F(SecurityApi, PartialRevocationTrimsTheContext) {
  CaptureServer invoker_endpoint;
  ASSERT_EQ(
      negotiate(inv_,
                json::array({by_aef(prov_.aef.id, {"OAUTH"}, alpha_), by_aef(prov_.aef.id, {"PKI"}, beta_)}),
                "http://127.0.0.1:" + std::to_string(invoker_endpoint.port()) + "/inv/notify/x")
          .status,
      201);
  json n{{"apiInvokerId", inv_.id}, {"apiIds", {alpha_}}, {"cause", "OVERLIMIT_USAGE"}};
  auto other = register_provider(ccf());
  publish(ccf(), other, api_body("gamma", other.aef.id, 9003, {"PKI"}));
  EXPECT_PROBLEM(send_json(*other.aef.client, "POST", trusted(inv_.id, "/delete"), n), 403);
  auto bad = n;
  bad["apiIds"] = {"APInope"};
  EXPECT_PROBLEM(send_json(*prov_.aef.client, "POST", trusted(inv_.id, "/delete"), bad), 400, "/apiIds/0");
  auto r = send_json(*prov_.aef.client, "POST", trusted(inv_.id, "/delete"), n);
  ASSERT_EQ(r.status, 204) << r.body;
  auto j = security_of(prov_.aef, inv_.id);
  EXPECT_EQ(json::parse(j["securityInfo"][0].value("authorizationInfo", "{}"))["apiNames"], json({"beta"}));
  auto notes = invoker_endpoint.wait_for(1, kWait);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(json::parse(notes[0].body)["cause"], "OVERLIMIT_USAGE");
  EXPECT_EQ(json::parse(notes[0].body)["aefId"], prov_.aef.id);
  // The OAUTH entry of alpha is gone: no token for it any more.
  EXPECT_EQ(j["securityInfo"].size(), 1u) << j.dump();
  expect_token_error(token(*inv_.client, inv_.id, form("3gpp#" + prov_.aef.id + ":alpha")), 400,
                     "invalid_scope");
}

TEST_F(SecurityApi, InvokerDeletesOnlyItsOwnContextAndOffboardingDeletesIt) {
  auto other = onboard_invoker(ccf());
  ASSERT_EQ(negotiate(inv_, json::array({by_aef(prov_.aef.id, {"PKI"})})).status, 201);
  ASSERT_EQ(negotiate(other, json::array({by_aef(prov_.aef.id, {"PKI"})})).status, 201);
  EXPECT_PROBLEM(send(*inv_.client, "DELETE", trusted(other.id)), 403);
  EXPECT_EQ(send(*inv_.client, "DELETE", trusted(inv_.id)).status, 204);
  EXPECT_PROBLEM(send(*prov_.aef.client, "GET", trusted(inv_.id)), 404);
  EXPECT_PROBLEM(send(*prov_.apf.client, "DELETE", trusted(other.id)), 403);

  EXPECT_EQ(security_of(prov_.aef, other.id)["securityInfo"].size(), 1u);
  ASSERT_EQ(send(*other.client, "DELETE", invokers_url(ccf()) + "/" + other.id).status, 204);
  EXPECT_PROBLEM(send(*prov_.aef.client, "GET", trusted(other.id)), 404);
}

TEST_F(SecurityApi, OffboardingTellsEveryAefOfTheContext) {
  CaptureServer aef_endpoint(prov_.aef.cert_pem, prov_.aef.key_pem, ccf().ca_pem());
  const std::string gamma =
      publish(ccf(), prov_, api_body("gamma", prov_.aef.id, aef_endpoint.port(), {"PKI"}))["apiId"];
  ASSERT_EQ(negotiate(inv_, json::array({by_aef(prov_.aef.id, {"PKI"}, gamma)})).status, 201);
  ASSERT_EQ(send(*inv_.client, "DELETE", invokers_url(ccf()) + "/" + inv_.id).status, 204);
  auto calls = aef_endpoint.wait_for(1, kWait);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].path, "/aef-security/v1/revoke-authorization");
  auto rev = json::parse(calls[0].body);
  EXPECT_EQ(rev["revokeInfo"]["apiInvokerId"], inv_.id);
  EXPECT_EQ(rev["revokeInfo"]["apiIds"], json({gamma}));
}

// The delivery worker's clients follow a SIGHUP: a revocation sent after the server certificate was replaced
// presents the new certificate, not the one its pooled connection was opened with.
TEST_F(SecurityApi, RevocationsAfterASighupPresentTheNewCertificate) {
  CaptureServer aef_endpoint(prov_.aef.cert_pem, prov_.aef.key_pem, ccf().ca_pem());
  const std::string gamma =
      publish(ccf(), prov_, api_body("gamma", prov_.aef.id, aef_endpoint.port(), {"PKI"}))["apiId"];
  const auto data = ccf().dir() / "data";
  auto revoke_and_capture = [&](std::size_t n) {
    EXPECT_EQ(negotiate(inv_, json::array({by_aef(prov_.aef.id, {"PKI"}, gamma)})).status, 201);
    EXPECT_EQ(send(*inv_.client, "DELETE", trusted(inv_.id)).status, 204);
    auto calls = aef_endpoint.wait_for(n, kWait);
    return calls.size() < n ? std::string() : calls[n - 1].client_fingerprint;
  };
  const auto old_fp = crypto::inspect_cert(crypto::read_file(data / "server.crt")).fingerprint_sha256;
  EXPECT_EQ(revoke_and_capture(1), old_fp);

  const auto ca =
      crypto::CertificateAuthority::load(crypto::read_file(data / "ca.crt"), crypto::read_file(data / "ca.key"));
  const auto key = crypto::generate_ec_key_pem();
  const auto cert = ca.issue_server_cert(key, ccf().id(), {"localhost"}, {"127.0.0.1"}, 30);
  crypto::write_file_atomic(data / "server.key", key, true);
  crypto::write_file_atomic(data / "server.crt", cert, false);
  ASSERT_EQ(::kill(ccf().pid(), SIGHUP), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the reload runs on the CCF's loop
  EXPECT_EQ(revoke_and_capture(2), crypto::inspect_cert(cert).fingerprint_sha256);
}

// ---- tokens ----

TEST_F(SecurityApi, TokenIsAnEs256JwsVerifiableWithTheJwksKey) {
  ASSERT_EQ(negotiate(inv_, json::array({by_aef(prov_.aef.id, {"OAUTH"}, alpha_)})).status, 201);
  const std::string scope = "3gpp#" + prov_.aef.id + ":alpha";
  auto r = token(*inv_.client, inv_.id, form(scope));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(*r.header("cache-control"), "no-store");
  auto j = body_json(r);
  EXPECT_EQ(j["token_type"], "Bearer");
  EXPECT_EQ(j["expires_in"], 600);
  EXPECT_EQ(j["scope"], scope);

  // The JWKS an AEF fetches holds exactly the key that verifies the token.
  auto jwks = send(*prov_.aef.client, "GET", ccf().api_root() + "/capif-security/v1/jwks");
  ASSERT_EQ(jwks.status, 200) << jwks.body;
  const std::string token_str = j["access_token"];
  const std::string kid = key_id_of(token_str);
  const std::string pem = signing_public_pem();
  EXPECT_EQ(body_json(jwks)["keys"], json::array({crypto::jwk_from_public_key_pem(pem, kid)}));
  auto v = crypto::jws_verify_es256(token_str, pem, unix_now_for_tests(), 0);
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_EQ(v.header["alg"], "ES256");
  EXPECT_EQ(v.claims["iss"], inv_.id);
  EXPECT_EQ(v.claims["sub"], inv_.id);
  EXPECT_EQ(v.claims["client_id"], inv_.id);
  EXPECT_EQ(v.claims["aud"], json({prov_.aef.id}));
  EXPECT_EQ(v.claims["scope"], scope);
  EXPECT_EQ(v.claims["ccf_id"], "ccf-test");
  EXPECT_EQ(v.claims["exp"].get<std::int64_t>() - v.claims["iat"].get<std::int64_t>(), 600);
  EXPECT_FALSE(v.claims.value("jti", "").empty());
  // Another key does not verify it.
  EXPECT_FALSE(crypto::jws_verify_es256(token_str, crypto::public_key_pem(crypto::generate_ec_key_pem()),
                                        unix_now_for_tests(), 0)
                   .ok);

  // HTTP Basic instead of client_secret; no scope = every API negotiated with OAUTH.
  const std::string basic = crypto::base64_encode(inv_.id + ":" + inv_.onboarding_secret);
  auto b = token(*inv_.client, inv_.id, "grant_type=client_credentials&client_id=" + inv_.id,
                 {{"Authorization", "Basic " + basic}});
  ASSERT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(body_json(b)["scope"], scope);
}

TEST_F(SecurityApi, EveryAccessTokenErr) {
  auto other = onboard_invoker(ccf());
  ASSERT_EQ(negotiate(inv_, json::array({by_aef(prov_.aef.id, {"OAUTH"}, alpha_),
                                         by_aef(prov_.aef.id, {"PKI"}, beta_)}))
                .status,
            201);
  auto& c = *inv_.client;
  const std::string aef = prov_.aef.id;
  EXPECT_EQ(token(c, inv_.id, form("3gpp#" + aef + ":alpha")).status, 200);

  auto json_body =
      send(c, "POST", token_url(inv_.id), R"({"grant_type":"client_credentials"})", "application/json");
  expect_token_error(json_body, 415, "invalid_request");
  expect_token_error(token(c, inv_.id, "grant_type=password&client_id=" + inv_.id), 400,
                     "unsupported_grant_type");
  expect_token_error(token(c, inv_.id, "grant_type=client_credentials"), 400, "invalid_request");
  expect_token_error(token(c, inv_.id, form() + "&client_id=" + inv_.id), 400, "invalid_request");
  expect_token_error(token(c, inv_.id, "grant_type=client_credentials&client_id=%zz"), 400,
                     "invalid_request");
  // Another invoker's id, in the path and client_id, from this invoker's TLS session.
  expect_token_error(token(c, other.id,
                           "grant_type=client_credentials&client_id=" + other.id +
                               "&client_secret=" + other.onboarding_secret),
                     401, "invalid_client");
  expect_token_error(token(c, other.id, form()), 401, "invalid_client");  // client_id != securityId
  expect_token_error(token(c, inv_.id, "grant_type=client_credentials&client_id=" + inv_.id), 401,
                     "invalid_client");
  auto wrong =
      token(c, inv_.id, "grant_type=client_credentials&client_id=" + inv_.id + "&client_secret=nope");
  expect_token_error(wrong, 401, "invalid_client");
  EXPECT_NE(wrong.header("www-authenticate"), nullptr);
  expect_token_error(token(c, inv_.id, "grant_type=client_credentials&client_id=" + inv_.id,
                           {{"Authorization", "Basic " + crypto::base64_encode(inv_.id + ":nope")}}),
                     401, "invalid_client");
  expect_token_error(
      token(c, inv_.id, "grant_type=client_credentials&client_id=" + inv_.id,
            {{"Authorization", "Basic " + crypto::base64_encode(other.id + ":" + inv_.onboarding_secret)}}),
      401, "invalid_client");
  expect_token_error(
      token(c, inv_.id, form(),
            {{"Authorization", "Basic " + crypto::base64_encode(inv_.id + ":" + inv_.onboarding_secret)}}),
      400, "invalid_request");
  auto anon = make_client(ccf());
  expect_token_error(token(*anon, inv_.id, form()), 401, "invalid_client");
  expect_token_error(token(*prov_.aef.client, inv_.id, form()), 401, "invalid_client");

  expect_token_error(token(c, inv_.id, form(aef + ":alpha")), 400, "invalid_scope");
  expect_token_error(token(c, inv_.id, form("3gpp#" + aef + ":beta")), 400,
                     "invalid_scope");  // PKI, not OAUTH
  expect_token_error(token(c, inv_.id, form("3gpp#" + aef + ":nope")), 400, "invalid_scope");
  expect_token_error(token(c, inv_.id, form("3gpp#AEFnope:alpha")), 400, "invalid_scope");
  expect_token_error(token(*other.client, other.id,
                           "grant_type=client_credentials&client_id=" + other.id +
                               "&client_secret=" + other.onboarding_secret),
                     400, "invalid_scope");  // never negotiated
}

// ---- access control policy ----

TEST_F(SecurityApi, AccessControlPolicyForTheApisOwnAef) {
  start(
      "security:\n  access_control:\n    allowed_total_invocations: 100\n    allowed_invocations_per_second: "
      "5\n"
      "    allowed_time_ranges: [\"2025-01-01T08:00:00Z/2030-01-01T18:00:00Z\"]\n");
  auto bystander = onboard_invoker(ccf());
  ASSERT_EQ(negotiate(inv_, json::array({by_aef(prov_.aef.id, {"PKI"}, alpha_)})).status, 201);
  ASSERT_EQ(negotiate(bystander, json::array({by_aef(prov_.aef.id, {"PKI"}, beta_)})).status, 201);
  const std::string base = ccf().api_root() + "/access-control-policy/v1/accessControlPolicyList/";
  auto r = send(*prov_.aef.client, "GET", base + alpha_ + "?aef-id=" + prov_.aef.id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r), json::parse(R"({"apiInvokerPolicies":[{"apiInvokerId":")" + inv_.id +
                                      R"(","allowedTotalInvocations":100,"allowedInvocationsPerSecond":5,
                        "allowedInvocationTimeRangeList":[{"startTime":"2025-01-01T08:00:00Z",
                        "stopTime":"2030-01-01T18:00:00Z"}]}]})"));
  auto filtered = send(*prov_.aef.client, "GET",
                       base + alpha_ + "?aef-id=" + prov_.aef.id + "&api-invoker-id=" + bystander.id);
  EXPECT_EQ(body_json(filtered)["apiInvokerPolicies"], json::array());

  auto other = register_provider(ccf());
  EXPECT_PROBLEM(send(*other.aef.client, "GET", base + alpha_ + "?aef-id=" + prov_.aef.id), 403);
  EXPECT_PROBLEM(send(*other.aef.client, "GET", base + alpha_ + "?aef-id=" + other.aef.id), 404);
  EXPECT_PROBLEM(send(*prov_.aef.client, "GET", base + "APInope?aef-id=" + prov_.aef.id), 404);
  EXPECT_PROBLEM(send(*prov_.aef.client, "GET", base + alpha_), 400, "aef-id");
  EXPECT_PROBLEM(send(*inv_.client, "GET", base + alpha_ + "?aef-id=" + prov_.aef.id), 403);
}

// ---- logging and auditing ----

namespace {
json invocation_log(const std::string& aef, const std::string& inv, const std::string& api_id,
                    const std::string& name, const std::string& result = "200") {
  return {{"aefId", aef},
          {"apiInvokerId", inv},
          {"logs", json::array({{{"apiId", api_id},
                                 {"apiName", name},
                                 {"apiVersion", "v1"},
                                 {"resourceName", "items"},
                                 {"protocol", "HTTP_1_1"},
                                 {"operation", "GET"},
                                 {"result", result},
                                 {"invocationTime", "2025-06-01T10:00:00Z"}}})}};
}
}  // namespace

TEST_F(SecurityApi, LoggingIsForTheAefItself) {
  const std::string url = ccf().api_root() + "/api-invocation-logs/v1/" + prov_.aef.id + "/logs";
  auto r = send_json(*prov_.aef.client, "POST", url, invocation_log(prov_.aef.id, inv_.id, alpha_, "alpha"));
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_NE(r.header("location"), nullptr);
  EXPECT_EQ(r.header("location")->rfind(url + "/LOG", 0), 0u) << *r.header("location");
  auto other = register_provider(ccf());
  EXPECT_PROBLEM(
      send_json(*other.aef.client, "POST", url, invocation_log(other.aef.id, inv_.id, alpha_, "alpha")), 403);
  EXPECT_PROBLEM(
      send_json(*prov_.aef.client, "POST", url, invocation_log(other.aef.id, inv_.id, alpha_, "alpha")), 400,
      "/aefId");
  auto bad = invocation_log(prov_.aef.id, inv_.id, alpha_, "alpha");
  bad["logs"][0].erase("result");
  EXPECT_PROBLEM(send_json(*prov_.aef.client, "POST", url, bad), 400, "/logs/0/result");
  EXPECT_PROBLEM(send_json(*inv_.client, "POST", url, invocation_log(prov_.aef.id, inv_.id, alpha_, "alpha")),
                 403);
}

TEST_F(SecurityApi, AuditingSeesOnlyTheAmfsOwnDomain) {
  auto other = register_provider(ccf());
  const auto post_log = [&](Provider& p, const json& log) {
    auto r = send_json(*p.aef.client, "POST",
                       ccf().api_root() + "/api-invocation-logs/v1/" + p.aef.id + "/logs", log);
    ASSERT_EQ(r.status, 201) << r.body;
  };
  post_log(prov_, invocation_log(prov_.aef.id, inv_.id, alpha_, "alpha"));
  post_log(prov_, invocation_log(prov_.aef.id, inv_.id, beta_, "beta", "500"));
  post_log(other, invocation_log(other.aef.id, inv_.id, "APIx", "gamma"));
  const std::string url = ccf().api_root() + "/logs/v1/apiInvocationLogs";

  auto all = send(*prov_.amf.client, "GET", url);
  ASSERT_EQ(all.status, 200) << all.body;
  auto logs = body_json(all)["multipleInvocationLogs"];
  ASSERT_EQ(logs.size(), 2u) << all.body;
  for (const auto& l : logs) EXPECT_EQ(l["aefId"], prov_.aef.id);

  auto failed = body_json(send(*prov_.amf.client, "GET", url + "?aef-id=" + prov_.aef.id + "&result=500"));
  ASSERT_EQ(failed["multipleInvocationLogs"].size(), 1u);
  EXPECT_EQ(failed["multipleInvocationLogs"][0]["logs"][0]["apiName"], "beta");
  auto in_range =
      send(*prov_.amf.client, "GET",
           url + "?api-invoker-id=" + inv_.id +
               "&time-range-start=2025-06-01T09:00:00Z&time-range-end=2025-06-01T11:00:00Z&api-name=alpha");
  ASSERT_EQ(in_range.status, 200) << in_range.body;
  EXPECT_EQ(body_json(in_range)["multipleInvocationLogs"].size(), 1u);
  EXPECT_PROBLEM(send(*prov_.amf.client, "GET", url + "?time-range-start=2025-06-01T10:00:01Z"), 404);
  EXPECT_PROBLEM(send(*prov_.amf.client, "GET", url + "?aef-id=" + other.aef.id), 403);
  EXPECT_PROBLEM(send(*prov_.amf.client, "GET", url + "?api-nam=alpha"), 400, "api-nam");
  EXPECT_PROBLEM(send(*prov_.apf.client, "GET", url), 403);
  EXPECT_PROBLEM(send(*prov_.aef.client, "GET", url), 403);

  auto theirs = send(*other.amf.client, "GET", url);
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  ASSERT_EQ(body_json(theirs)["multipleInvocationLogs"].size(), 1u);
  EXPECT_EQ(body_json(theirs)["multipleInvocationLogs"][0]["aefId"], other.aef.id);
}
