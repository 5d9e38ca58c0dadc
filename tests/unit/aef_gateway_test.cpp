// The CAPIF-2e decision of the gateway with a fake CCF: which method, negotiated or not, tokens, revocation,
// access control policy and the invocation log of each call.
#include "aef/gateway/authorize.hpp"
#include "aef/gateway/gateway.hpp"
#include "aef_test_support.hpp"
#include "capif/crypto/encoding.hpp"
#include "capif/crypto/jwt.hpp"
#include "capif/crypto/pki.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>

using namespace capif;
using namespace capif::aef;
using namespace capif::aef::test;
using nlohmann::json;

namespace {
constexpr std::int64_t kNowMs = 1'700'000'000'000;

json security_info(const std::string& method, const std::string& api_id, const std::string& auth = "") {
  json e{{"aefId", "AEF1"},
         {"apiId", api_id},
         {"prefSecurityMethods", {method}},
         {"selSecurityMethod", method},
         {"authorizationInfo", json{{"apiIds", {api_id}}, {"apiNames", json::array()}}.dump()}};
  if (!auth.empty()) e["authenticationInfo"] = auth;
  return e;
}

struct Fixture : ::testing::Test {
  std::string priv = crypto::generate_ec_key_pem();
  FakeCcf ccf;
  SecurityCache cache;
  AclEnforcer acl;
  LogQueue logs{100};
  std::unique_ptr<Upstream> demo = make_demo_upstream();
  std::int64_t now = kNowMs;
  PublishedApi weather{"API1", "weather", "v1", "/weather"};
  PublishedApi hello{"API2", "hello", "v1", "/hello"};
  std::unique_ptr<Gateway> gw;
  std::vector<std::string> trusted_cas;  // what the gateway asked the listener to trust
  bool trust_fails = false;

  void SetUp() override {
    ccf.jwks_reply = reply(
        200, {{"keys", json::array({crypto::jwk_from_public_key_pem(crypto::public_key_pem(priv), "k1")})}});
    GatewayOptions o;
    o.aef_id = "AEF1";
    o.address = "127.0.0.1";
    o.port = 9443;
    o.apis = {weather, hello};
    o.trust_client_ca = [this](const std::string& pem) {
      if (trust_fails) throw std::runtime_error("bad PEM");
      trusted_cas.push_back(pem);
    };
    gw = std::make_unique<Gateway>(o, ccf, cache, acl, logs, *demo, [this] { return now; });
  }

  std::string token(const std::string& invoker, std::int64_t iat_s) {
    return crypto::jws_sign_es256({{"iss", invoker},
                                   {"client_id", invoker},
                                   {"sub", invoker},
                                   {"aud", {"AEF1"}},
                                   {"scope", "3gpp#AEF1:weather,hello"},
                                   {"iat", iat_s},
                                   {"exp", iat_s + 600}},
                                  priv, "k1");
  }

  // Status and ProblemDetails cause of one call to GET <api>/hello.
  std::pair<int, std::string> call(const http::TlsInfo& tls, const std::string& bearer = "",
                                   const PublishedApi* api = nullptr) {
    http::Request req;
    req.method = "GET";
    req.target = "/weather/hello";
    if (!bearer.empty()) req.headers["authorization"] = "Bearer " + bearer;
    try {
      auto r = run_sync(gw->handle(req, tls, api ? *api : weather, "/hello"));
      return {r.status, ""};
    } catch (const ApiError& e) {
      return {e.status(), e.cause()};
    }
  }

  // anchor: sha256 of the trust anchor that verified the certificate (TlsInfo::client_anchor_fingerprint).
  static http::TlsInfo cert(const std::string& cn, bool verified = true, const std::string& anchor = "") {
    http::TlsInfo t;
    t.client_cert_presented = true;
    t.client_cert_verified = verified;
    t.client_cn = cn;
    if (verified) t.client_anchor_fingerprint = anchor;
    return t;
  }
  static std::string fingerprint(const crypto::CertificateAuthority& ca) {
    return crypto::inspect_cert(ca.cert_pem()).fingerprint_sha256;
  }
  static http::TlsInfo psk(const std::string& id) {
    http::TlsInfo t;
    t.psk_identity = id;
    return t;
  }
};
}  // namespace

TEST_F(Fixture, IdentifyPrefersPskThenTokenThenCertificate) {
  std::string bearer = "Bearer x";
  EXPECT_EQ(identify(psk("I"), &bearer).kind, Presented::psk);
  EXPECT_EQ(identify(cert("I"), &bearer).kind, Presented::oauth);
  EXPECT_EQ(identify(cert("I"), &bearer).invoker, "I");
  EXPECT_EQ(identify(cert("I"), nullptr).kind, Presented::pki);
  EXPECT_EQ(identify(cert("I", false), &bearer).kind, Presented::untrusted_cert);
  EXPECT_EQ(identify(http::TlsInfo{}, nullptr).kind, Presented::none);
}

TEST_F(Fixture, NoCredentialsIs401) {
  EXPECT_EQ(call(http::TlsInfo{}).first, 401);
  EXPECT_EQ(call(cert("INV1", false)).first, 401);  // a certificate from another CA
}

TEST_F(Fixture, PkiNeedsPkiNegotiatedForThisApi) {
  auto ca = crypto::CertificateAuthority::create("CCF CA", 1);
  ccf.trusted["INV1"] =
      reply(200, {{"securityInfo", json::array({security_info("PKI", "API1", ca.cert_pem())})}});
  EXPECT_EQ(call(cert("INV1", true, fingerprint(ca))).first, 200);
  EXPECT_EQ(ccf.trusted_calls, 1);
  EXPECT_EQ(call(cert("INV1", true, fingerprint(ca))).first, 200);
  EXPECT_EQ(ccf.trusted_calls, 1);  // cached
  EXPECT_EQ(call(cert("INV1", true, fingerprint(ca)), "", &hello),
            std::make_pair(401, std::string(kMethodInvalidCause)));
  // An invoker that never negotiated with this AEF.
  EXPECT_EQ(call(cert("INV9", true, fingerprint(ca))), std::make_pair(401, std::string(kMethodInvalidCause)));
}

TEST_F(Fixture, PkiIsBoundToTheCaOfTheEntry) {
  auto ca_a = crypto::CertificateAuthority::create("CCF-A CA", 1);
  auto ca_b = crypto::CertificateAuthority::create("CCF-B CA", 1);
  ccf.trusted["INV1"] =
      reply(200, {{"securityInfo", json::array({security_info("PKI", "API1", ca_a.cert_pem())})}});
  // Same CN, verified by another CA the listener trusts: not this invoker's certificate.
  EXPECT_EQ(call(cert("INV1", true, fingerprint(ca_b))),
            std::make_pair(401, std::string(kMethodInvalidCause)));
  EXPECT_EQ(call(cert("INV1", true, "")), std::make_pair(401, std::string(kMethodInvalidCause)));
  EXPECT_EQ(call(cert("INV1", true, fingerprint(ca_a))).first, 200);
  // authenticationInfo that is not a certificate binds nothing: PKI is refused.
  cache.put("INV2", parse_service_security(
                        {{"securityInfo", json::array({security_info("PKI", "API1", "not a certificate")})}},
                        "AEF1", "127.0.0.1", 9443, {weather, hello}));
  EXPECT_EQ(call(cert("INV2", true, fingerprint(ca_a))),
            std::make_pair(401, std::string(kMethodInvalidCause)));
}

TEST_F(Fixture, FetchedInvokerCasAreTrustedOnce) {
  auto ca_a = crypto::CertificateAuthority::create("CCF-A CA", 1);
  ccf.trusted["INV1"] =
      reply(200, {{"securityInfo", json::array({security_info("PKI", "API1", ca_a.cert_pem())})}});
  ccf.trusted["INV2"] = ccf.trusted["INV1"];  // another invoker of the same CCF
  trust_fails = true;
  EXPECT_EQ(run_sync(gw->fetch_security("INV1")), 200);  // a listener that refuses the CA: logged only
  EXPECT_TRUE(trusted_cas.empty());
  trust_fails = false;
  EXPECT_EQ(run_sync(gw->fetch_security("INV1")), 200);  // tried again
  EXPECT_EQ(run_sync(gw->fetch_security("INV2")), 200);
  ASSERT_EQ(trusted_cas.size(), 1u);
  EXPECT_EQ(trusted_cas[0], ca_a.cert_pem());
  // PSK and OAuth entries carry no CA.
  ccf.trusted["INV3"] = reply(200, {{"securityInfo", json::array({security_info("OAUTH", "API1")})}});
  EXPECT_EQ(run_sync(gw->fetch_security("INV3")), 200);
  EXPECT_EQ(trusted_cas.size(), 1u);
}

TEST_F(Fixture, RemoteInvokerFetchNamesItsOnboardedCcfAndKeepsIt) {
  ccf.trusted["INV1"] = reply(200, {{"securityInfo", json::array({security_info("OAUTH", "API1")})}});
  EXPECT_EQ(run_sync(gw->fetch_security("INV1", std::string("ccf-a"))), 200);
  EXPECT_EQ(cache.get("INV1")->onboarded_ccf_id, "ccf-a");
  EXPECT_EQ(run_sync(gw->fetch_security("INV1")), 200);  // a later refetch without it
  EXPECT_EQ(ccf.trusted_onboarded_ccf_ids, (std::vector<std::string>{"ccf-a", "ccf-a"}));
  // A refusal for another onboarded CCF does not drop the context fetched for the right one.
  ccf.trusted["INV1"] = reply(404);
  EXPECT_EQ(run_sync(gw->fetch_security("INV1", std::string("ccf-x"))), 404);
  EXPECT_TRUE(cache.get("INV1"));
  EXPECT_EQ(run_sync(gw->fetch_security("INV1")), 404);
  EXPECT_FALSE(cache.get("INV1"));
  // A local invoker: no onboardedCcfId.
  EXPECT_EQ(run_sync(gw->fetch_security("INV2")), 404);
  EXPECT_EQ(ccf.trusted_onboarded_ccf_ids.back(), "");
}

TEST_F(Fixture, CertificateOfAnInvokerThatNegotiatedAnotherMethodIsRefused) {
  ccf.trusted["INV1"] = reply(200, {{"securityInfo", json::array({security_info("OAUTH", "API1")})}});
  EXPECT_EQ(call(cert("INV1")), std::make_pair(401, std::string(kMethodInvalidCause)));
}

TEST_F(Fixture, PskSessionNeedsTheCachedKey) {
  cache.put("INV1",
            parse_service_security(
                {{"securityInfo", json::array({security_info("PSK", "API1", crypto::base64_encode("k"))})}},
                "AEF1", "127.0.0.1", 9443, {weather, hello}));
  EXPECT_EQ(cache.psk("INV1"), "k");
  EXPECT_FALSE(cache.psk("INV2"));  // unknown identity: the handshake is refused
  EXPECT_EQ(call(psk("INV1")).first, 200);
  EXPECT_EQ(call(psk("INV1"), "", &hello).first, 401);
  gw->revoke("INV1", {"API1"});
  EXPECT_FALSE(cache.psk("INV1"));
  EXPECT_EQ(call(psk("INV1")), std::make_pair(401, std::string(kMethodInvalidCause)));
}

TEST_F(Fixture, OAuthTokenVerifiedLocally) {
  auto t = token("INV1", now / 1000 - 5);
  EXPECT_EQ(call(http::TlsInfo{}, t).first, 200);
  EXPECT_EQ(call(http::TlsInfo{}, t).first, 200);
  EXPECT_EQ(ccf.jwks_calls, 1);                 // fetched once
  EXPECT_EQ(ccf.trusted_calls, 0);              // no CCF call per request
  EXPECT_EQ(call(cert("INV2"), t).first, 401);  // token of another invoker than the certificate
  EXPECT_EQ(call(cert("INV1"), t).first, 200);
  auto expired = crypto::jws_sign_es256(
      {{"client_id", "INV1"}, {"aud", "AEF1"}, {"scope", "3gpp#AEF1:weather"}, {"exp", now / 1000 - 31}},
      priv, "k1");
  EXPECT_EQ(call(http::TlsInfo{}, expired).first, 401);
}

TEST_F(Fixture, RevokedInvokerTokensStopWorking) {
  auto t = token("INV1", now / 1000 - 5);
  EXPECT_EQ(call(http::TlsInfo{}, t).first, 200);
  gw->revoke("INV1", {});
  EXPECT_EQ(call(http::TlsInfo{}, t).first, 401);
  now += 2000;
  EXPECT_EQ(call(http::TlsInfo{}, token("INV1", now / 1000)).first, 200);  // a token issued afterwards
}

TEST_F(Fixture, TokenOfAnInvokerThatNegotiatedPkiIsRefused) {
  const json pki{{"securityInfo", json::array({security_info("PKI", "API1")})}};
  cache.put("INV1", parse_service_security(pki, "AEF1", "127.0.0.1", 9443, {weather, hello}));
  ccf.trusted["INV1"] = reply(200, pki);  // the CCF still says PKI when the AEF asks again
  EXPECT_EQ(call(http::TlsInfo{}, token("INV1", now / 1000)),
            std::make_pair(401, std::string(kMethodInvalidCause)));
  EXPECT_EQ(ccf.trusted_calls, 1);  // asked once whether the invoker renegotiated
  EXPECT_EQ(call(http::TlsInfo{}, token("INV1", now / 1000)).first, 401);
  EXPECT_EQ(ccf.trusted_calls, 1);  // not again within a second
}

TEST_F(Fixture, TokenAfterRenegotiatingFromPkiToOAuthIsAccepted) {
  cache.put("INV1", parse_service_security({{"securityInfo", json::array({security_info("PKI", "API1")})}},
                                           "AEF1", "127.0.0.1", 9443, {weather, hello}));
  ccf.trusted["INV1"] = reply(200, {{"securityInfo", json::array({security_info("OAUTH", "API1")})}});
  EXPECT_EQ(call(http::TlsInfo{}, token("INV1", now / 1000)).first, 200);
}

TEST_F(Fixture, AccessControlPolicyIsEnforcedAndCached) {
  ccf.acl["API1/INV1"] =
      reply(200, {{"apiInvokerPolicies", json::array({{{"apiInvokerId", "INV1"},
                                                       {"allowedTotalInvocations", 3},
                                                       {"allowedInvocationsPerSecond", 2}}})}});
  auto t = token("INV1", now / 1000);
  EXPECT_EQ(call(http::TlsInfo{}, t).first, 200);
  EXPECT_EQ(call(http::TlsInfo{}, t).first, 200);
  EXPECT_EQ(call(http::TlsInfo{}, t).first, 429);  // third in the same second
  now += 1000;
  EXPECT_EQ(call(http::TlsInfo{}, t).first, 200);
  EXPECT_EQ(call(http::TlsInfo{}, t), std::make_pair(429, std::string("INVOCATION_LIMIT_REACHED")));
  EXPECT_EQ(ccf.acl_calls, 1);
}

TEST_F(Fixture, OutsideTheAllowedTimeIs403) {
  ccf.acl["API1/INV1"] = reply(
      200,
      {{"apiInvokerPolicies", json::array({{{"apiInvokerId", "INV1"},
                                            {"allowedInvocationTimeRangeList",
                                             json::array({{{"startTime", "2000-01-01T00:00:00Z"},
                                                           {"stopTime", "2000-01-02T00:00:00Z"}}})}}})}});
  EXPECT_EQ(call(http::TlsInfo{}, token("INV1", now / 1000)).first, 403);
}

TEST_F(Fixture, EveryAuthenticatedCallIsLogged) {
  EXPECT_EQ(call(http::TlsInfo{}).first, 401);  // unauthenticated: nobody to log it for
  auto t = token("INV1", now / 1000);
  EXPECT_EQ(call(http::TlsInfo{}, t).first, 200);
  auto b = logs.take(10);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].invoker, "INV1");
  const auto log = json::parse(b[0].log);
  EXPECT_EQ(log["apiId"], "API1");
  EXPECT_EQ(log["result"], "200");
  EXPECT_EQ(log["operation"], "GET");
  EXPECT_EQ(log["invocationTime"], "2023-11-14T22:13:20.000Z");
}

TEST(AefAuthorize, MethodInvalidIs401WithAChallenge) {
  auto e = method_invalid("negotiate again");
  EXPECT_EQ(e.status(), 401);
  EXPECT_EQ(e.cause(), "SECURITY_METHOD_INVALID");
  EXPECT_FALSE(e.challenge().empty());  // RFC 9110: every 401 carries WWW-Authenticate
}

TEST(AefGateway, Rfc3339MatchesGmtime) {
  for (std::int64_t ms : {0LL, 951782400123LL, 951868799999LL, 1700000000000LL, 1709251199001LL,
                          4102444800000LL, 253402300799999LL}) {
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char want[40];
    std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    EXPECT_EQ(rfc3339_utc(ms), want) << ms;
  }
  for (std::int64_t day = 0; day < 200 * 366; day += 7) {  // every week of two centuries
    const std::int64_t ms = day * 86400000 + 45296789;
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char want[40];
    std::snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, 789);
    ASSERT_EQ(rfc3339_utc(ms), want) << ms;
  }
}
