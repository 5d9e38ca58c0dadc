// Wrong callers against the real capif-ccf: missing, expired, forged and foreign onboarding credentials,
// missing/foreign/revoked client certificates, other parties' resources and the wrong CAPIF role.
// Every refusal must be a ProblemDetails whose status matches the HTTP status.
#include "capif/crypto/jwt.hpp"
#include "capif/crypto/pki.hpp"
#include "problem_expect.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace capif::testing;

namespace {

std::int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class WrongCaller : public ::testing::Test {
 protected:
  void SetUp() override {
    ccf_ = std::make_unique<CcfProcess>();
    ccf_->start();
    anon_ = make_client(*ccf_);
  }
  CcfProcess& ccf() { return *ccf_; }
  std::string csr() { return capif::crypto::make_csr_pem(capif::crypto::generate_ec_key_pem(), "x"); }

  capif::http::ClientResponse onboard_with(std::vector<std::pair<std::string, std::string>> headers) {
    return send_json(*anon_, "POST", invokers_url(ccf()), onboarding_body(csr()), std::move(headers));
  }
  capif::http::ClientResponse onboard_with_token(const std::string& token) {
    return onboard_with({{"Authorization", "Bearer " + token}});
  }
  std::string invoker_url(const Invoker& inv) { return invokers_url(ccf()) + "/" + inv.id; }
  json put_body(const Invoker& inv) {
    auto body = inv.enrolment;
    body["onboardingInformation"].erase("onboardingSecret");
    return body;
  }

  std::unique_ptr<CcfProcess> ccf_;
  std::unique_ptr<capif::http::BlockingClient> anon_;
};

}  // namespace

// ---- onboarding credentials ----

TEST_F(WrongCaller, OnboardingWithoutCredentialIs401) {
  EXPECT_PROBLEM(onboard_with({}), 401);
}

TEST_F(WrongCaller, OnboardingWithEmptyBearerIs401) {
  EXPECT_PROBLEM(onboard_with({{"Authorization", "Bearer "}}), 401);
}

TEST_F(WrongCaller, OnboardingWithBasicAuthorizationIs401) {
  EXPECT_PROBLEM(onboard_with({{"Authorization", "Basic dXNlcjpwYXNzd29yZA=="}}), 401);
}

TEST_F(WrongCaller, OnboardingWithGarbageTokenIs401) {
  EXPECT_PROBLEM(onboard_with_token("not.a.jwt"), 401);
}

TEST_F(WrongCaller, MissingBearerCredentialChallengesWithWwwAuthenticate) {
  // RFC 9110 section 15.5.2: a 401 MUST carry WWW-Authenticate; RFC 6750 section 3: scheme Bearer.
  auto r = onboard_with({});
  EXPECT_PROBLEM(r, 401);
  ASSERT_NE(r.header("www-authenticate"), nullptr) << "401 without a WWW-Authenticate challenge";
  EXPECT_EQ(r.header("www-authenticate")->rfind("Bearer", 0), 0u) << *r.header("www-authenticate");
}

TEST_F(WrongCaller, OnboardingWithExpiredCredentialIs401) {
  const std::string token = ccf().credential("invoker", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  auto r = onboard_with_token(token);
  EXPECT_PROBLEM(r, 401);
  EXPECT_NE(body_json(r).value("detail", "").find("expired"), std::string::npos) << r.body;
}

TEST_F(WrongCaller, OnboardingWithForgedCredentialIs401) {
  // Same claims as a real credential of this CCF, signed by a key the CCF never saw.
  const auto now = now_unix();
  json claims{{"iss", "ccf-test"}, {"aud", "capif-onboarding"}, {"capif_role", "invoker"},
              {"iat", now},        {"exp", now + 600},          {"jti", "forged-jti-0001"}};
  const std::string forged =
      capif::crypto::jws_sign_es256(claims, capif::crypto::generate_ec_key_pem(), "forged");
  auto r = onboard_with_token(forged);
  EXPECT_PROBLEM(r, 401);
  EXPECT_NE(body_json(r).value("detail", "").find("not signed by this CCF"), std::string::npos) << r.body;
}

TEST_F(WrongCaller, OnboardingWithCredentialOfAnotherCcfIs401) {
  CcfProcess other;  // same ccf id "ccf-test": only the signing key differs
  other.start();
  auto r = onboard_with_token(other.credential("invoker"));
  EXPECT_PROBLEM(r, 401);
  // The other CCF accepts its own credential, so it was a valid token — just not for this CCF.
  auto other_anon = make_client(other);
  auto ok = send_json(*other_anon, "POST", invokers_url(other), onboarding_body(csr()),
                      {{"Authorization", "Bearer " + other.credential("invoker")}});
  EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST_F(WrongCaller, OnboardingWithProviderCredentialIs403) {
  auto r = onboard_with_token(ccf().credential("provider"));
  EXPECT_PROBLEM(r, 403);
}

TEST_F(WrongCaller, RegistrationWithInvokerCredentialIs403) {
  auto body = registration_body(csr(), csr(), csr());
  auto r = send_json(*anon_, "POST", registrations_url(ccf()), body,
                     {{"Authorization", "Bearer " + ccf().credential("invoker")}});
  EXPECT_PROBLEM(r, 403);
}

TEST_F(WrongCaller, RegistrationWithInvokerCredentialInRegSecIs403) {
  auto body = registration_body(csr(), csr(), csr());
  body["regSec"] = ccf().credential("invoker");
  EXPECT_PROBLEM(send_json(*anon_, "POST", registrations_url(ccf()), body), 403);
}

TEST_F(WrongCaller, RegistrationWithoutAnyCredentialIs401) {
  // regSec is the placeholder "see Authorization" and there is no Authorization header.
  auto body = registration_body(csr(), csr(), csr());
  EXPECT_PROBLEM(send_json(*anon_, "POST", registrations_url(ccf()), body), 401);
}

// ---- client certificates ----

TEST_F(WrongCaller, NoClientCertificateIs401) {
  Invoker inv = onboard_invoker(ccf());
  auto r = send(*anon_, "GET", discover_url(ccf(), inv.id));
  EXPECT_PROBLEM(r, 401);
  Provider p = register_provider(ccf());
  EXPECT_PROBLEM(send(*anon_, "GET", published_url(ccf(), p.apf.id)), 401);
  EXPECT_PROBLEM(send(*anon_, "DELETE", registrations_url(ccf()) + "/" + p.dom_id), 401);
}

TEST_F(WrongCaller, CertificateFromAnotherCaIs401) {
  Invoker inv = onboard_invoker(ccf());
  // A certificate with the very same CN (the invoker id) from a CA the CCF does not trust.
  auto rogue = capif::crypto::CertificateAuthority::create("rogue CA", 1);
  const std::string key = capif::crypto::generate_ec_key_pem();
  const std::string cert = rogue.issue_client_cert(capif::crypto::make_csr_pem(key, inv.id), inv.id, 1);
  auto client = make_client(ccf(), cert, key);
  auto r = send(*client, "GET", discover_url(ccf(), inv.id));
  EXPECT_PROBLEM(r, 401);
  EXPECT_PROBLEM(send(*client, "DELETE", invoker_url(inv)), 401);
  EXPECT_EQ(send(*inv.client, "GET", discover_url(ccf(), inv.id)).status, 200)
      << "the real invoker is unaffected";
}

TEST_F(WrongCaller, OffboardedInvokerCertificateIs401) {
  Invoker inv = onboard_invoker(ccf());
  ASSERT_EQ(send(*inv.client, "DELETE", invoker_url(inv)).status, 204);
  auto fresh = make_client(ccf(), inv.cert_pem, inv.key_pem);  // a new connection, not the kept-alive one
  EXPECT_PROBLEM(send(*fresh, "GET", discover_url(ccf(), inv.id)), 401);
  EXPECT_PROBLEM(send_json(*fresh, "PUT", invoker_url(inv), put_body(inv)), 401);
}

TEST_F(WrongCaller, DeregisteredProviderCertificatesAre401) {
  Provider p = register_provider(ccf());
  ASSERT_EQ(send(*p.amf.client, "DELETE", registrations_url(ccf()) + "/" + p.dom_id).status, 204);
  auto apf = make_client(ccf(), p.apf.cert_pem, p.apf.key_pem);
  EXPECT_PROBLEM(send_json(*apf, "POST", published_url(ccf(), p.apf.id), service_api_body("x", p.aef.id)),
                 401);
}

// ---- another invoker's resources ----

TEST_F(WrongCaller, InvokerPutOnAnotherInvokerIs403) {
  Invoker a = onboard_invoker(ccf()), b = onboard_invoker(ccf());
  EXPECT_PROBLEM(send_json(*a.client, "PUT", invoker_url(b), put_body(a)), 403);
}

TEST_F(WrongCaller, InvokerPatchOnAnotherInvokerIs403) {
  Invoker a = onboard_invoker(ccf()), b = onboard_invoker(ccf());
  auto r = send(*a.client, "PATCH", invoker_url(b), R"({"apiInvokerInformation":"hijacked"})",
                "application/merge-patch+json");
  EXPECT_PROBLEM(r, 403);
}

TEST_F(WrongCaller, InvokerDeleteOfAnotherInvokerIs403AndChangesNothing) {
  Invoker a = onboard_invoker(ccf()), b = onboard_invoker(ccf());
  EXPECT_PROBLEM(send(*a.client, "DELETE", invoker_url(b)), 403);
  EXPECT_EQ(send(*b.client, "GET", discover_url(ccf(), b.id)).status, 200) << "B is still onboarded";
}

TEST_F(WrongCaller, InvokerOnUnknownInvokerIdIs403LikeAnyOtherId) {
  // Deliberate (InvokerManagement::own): another id is refused the same way whether it exists or not.
  Invoker a = onboard_invoker(ccf());
  EXPECT_PROBLEM(send(*a.client, "DELETE", invokers_url(ccf()) + "/INVdoesnotexist"), 403);
}

TEST_F(WrongCaller, DiscoveryWithAnotherInvokersIdIs403) {
  Invoker a = onboard_invoker(ccf()), b = onboard_invoker(ccf());
  EXPECT_PROBLEM(send(*a.client, "GET", discover_url(ccf(), b.id)), 403, "api-invoker-id");
}

// ---- wrong CAPIF role on a route ----

TEST_F(WrongCaller, InvokerCallingPublishIs403) {
  Invoker inv = onboard_invoker(ccf());
  Provider p = register_provider(ccf());
  EXPECT_PROBLEM(
      send_json(*inv.client, "POST", published_url(ccf(), p.apf.id), service_api_body("x", p.aef.id)), 403);
}

TEST_F(WrongCaller, AefCallingPublishIs403) {
  Provider p = register_provider(ccf());
  EXPECT_PROBLEM(
      send_json(*p.aef.client, "POST", published_url(ccf(), p.apf.id), service_api_body("x", p.aef.id)), 403);
  EXPECT_PROBLEM(
      send_json(*p.aef.client, "POST", published_url(ccf(), p.aef.id), service_api_body("x", p.aef.id)), 403);
}

TEST_F(WrongCaller, AmfCallingPublishIs403) {
  Provider p = register_provider(ccf());
  EXPECT_PROBLEM(send(*p.amf.client, "GET", published_url(ccf(), p.apf.id)), 403);
}

TEST_F(WrongCaller, ApfCallingProviderManagementPutIs403) {
  Provider p = register_provider(ccf());
  EXPECT_PROBLEM(send_json(*p.apf.client, "PUT", registrations_url(ccf()) + "/" + p.dom_id, p.registration),
                 403);
}

TEST_F(WrongCaller, ProviderFunctionCallingDiscoveryIs403) {
  Provider p = register_provider(ccf());
  EXPECT_PROBLEM(send(*p.apf.client, "GET", discover_url(ccf(), p.apf.id)), 403);
}

TEST_F(WrongCaller, InvokerCallingProviderManagementIs403) {
  Invoker inv = onboard_invoker(ccf());
  Provider p = register_provider(ccf());
  EXPECT_PROBLEM(send(*inv.client, "DELETE", registrations_url(ccf()) + "/" + p.dom_id), 403);
}

// ---- another provider's APIs and domains ----

TEST_F(WrongCaller, ApfPublishingUnderAnotherApfIdIs403) {
  Provider a = register_provider(ccf()), b = register_provider(ccf());
  EXPECT_PROBLEM(
      send_json(*a.apf.client, "POST", published_url(ccf(), b.apf.id), service_api_body("x", b.aef.id)), 403);
  EXPECT_PROBLEM(send(*a.apf.client, "GET", published_url(ccf(), b.apf.id)), 403);
}

TEST_F(WrongCaller, ApfPublishingForAnAefOfAnotherDomainIs403) {
  Provider a = register_provider(ccf()), b = register_provider(ccf());
  auto r = send_json(*a.apf.client, "POST", published_url(ccf(), a.apf.id), service_api_body("x", b.aef.id));
  EXPECT_PROBLEM(r, 403, "/aefProfiles/0/aefId");
}

TEST_F(WrongCaller, ApfPublishingForAnUnknownOrNonAefFunctionIs403) {
  Provider a = register_provider(ccf());
  auto body = service_api_body("x", a.aef.id);
  body["aefProfiles"].push_back(body["aefProfiles"][0]);
  body["aefProfiles"][1]["aefId"] = a.apf.id;  // an APF of the same domain is not an AEF
  body["aefProfiles"].push_back(body["aefProfiles"][0]);
  body["aefProfiles"][2]["aefId"] = "AEFunknown";
  auto r = send_json(*a.apf.client, "POST", published_url(ccf(), a.apf.id), body);
  EXPECT_PROBLEM(r, 403, "/aefProfiles/1/aefId", "/aefProfiles/2/aefId");
  EXPECT_FALSE(has_invalid_param(body_json(r), "/aefProfiles/0/aefId")) << r.body;
}

TEST_F(WrongCaller, ApfReadingAnotherApfsApiViaItsOwnPathIs404) {
  Provider a = register_provider(ccf()), b = register_provider(ccf());
  const std::string id = publish(ccf(), b, service_api_body("b-api", b.aef.id))["apiId"];
  EXPECT_PROBLEM(send(*a.apf.client, "GET", published_url(ccf(), a.apf.id) + "/" + id), 404);
}

TEST_F(WrongCaller, ApfUpdatingAnotherApfsApiViaItsOwnPathIs404) {
  Provider a = register_provider(ccf()), b = register_provider(ccf());
  const std::string id = publish(ccf(), b, service_api_body("b-api", b.aef.id))["apiId"];
  const std::string url = published_url(ccf(), a.apf.id) + "/" + id;
  EXPECT_PROBLEM(send_json(*a.apf.client, "PUT", url, service_api_body("b-api", a.aef.id)), 404);
  EXPECT_PROBLEM(send(*a.apf.client, "PATCH", url, R"({"description":"x"})", "application/merge-patch+json"),
                 404);
  auto r = send(*b.apf.client, "GET", published_url(ccf(), b.apf.id) + "/" + id);
  EXPECT_EQ(body_json(r).value("description", ""), "test API b-api") << "unchanged";
}

TEST_F(WrongCaller, ApfDeletingAnotherApfsApiViaItsOwnPathIs404) {
  Provider a = register_provider(ccf()), b = register_provider(ccf());
  const std::string id = publish(ccf(), b, service_api_body("b-api", b.aef.id))["apiId"];
  EXPECT_PROBLEM(send(*a.apf.client, "DELETE", published_url(ccf(), a.apf.id) + "/" + id), 404);
  EXPECT_EQ(send(*b.apf.client, "GET", published_url(ccf(), b.apf.id) + "/" + id).status, 200)
      << "still published";
}

TEST_F(WrongCaller, AmfOfAnotherDomainUpdatingIs403) {
  Provider a = register_provider(ccf()), b = register_provider(ccf());
  const std::string url = registrations_url(ccf()) + "/" + b.dom_id;
  EXPECT_PROBLEM(send_json(*a.amf.client, "PUT", url, b.registration), 403);
  EXPECT_PROBLEM(
      send(*a.amf.client, "PATCH", url, R"({"apiProvDomInfo":"hijacked"})", "application/merge-patch+json"),
      403);
  EXPECT_PROBLEM(send(*a.amf.client, "DELETE", url), 403);
  EXPECT_EQ(send(*b.apf.client, "GET", published_url(ccf(), b.apf.id)).status, 200)
      << "B is still registered";
}
