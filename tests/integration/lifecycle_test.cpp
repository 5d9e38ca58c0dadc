// The whole registry lifecycle against the real capif-ccf over mutual TLS:
// onboarding -> provider registration -> publish -> discover -> update -> unpublish -> offboard.
#include "capif/crypto/pki.hpp"
#include "capif_parties.hpp"

#include <gtest/gtest.h>

using namespace capif::testing;

namespace {
std::vector<std::string> discovered_ids(const capif::http::ClientResponse& r) {
  std::vector<std::string> ids;
  auto j = body_json(r);
  if (j.contains("serviceAPIDescriptions"))
    for (const auto& api : j["serviceAPIDescriptions"]) ids.push_back(api.at("apiId"));
  return ids;
}
}  // namespace

TEST(Lifecycle, OnboardRegisterPublishDiscoverUpdateUnpublishOffboard) {
  CcfProcess ccf;
  ccf.start();

  Invoker inv = onboard_invoker(ccf);
  EXPECT_EQ(inv.id.rfind("INV", 0), 0u);
  auto cert = capif::crypto::inspect_cert(inv.cert_pem);
  EXPECT_EQ(cert.subject_cn, inv.id) << "the invoker certificate's CN is the apiInvokerId";
  EXPECT_TRUE(capif::crypto::verify_cert_signed_by(inv.cert_pem, ccf.ca_pem()));
  EXPECT_FALSE(inv.onboarding_secret.empty());

  Provider prov = register_provider(ccf);
  EXPECT_FALSE(prov.registration.contains("failReason"));
  for (auto* f : {&prov.amf, &prov.apf, &prov.aef}) {
    EXPECT_EQ(capif::crypto::inspect_cert(f->cert_pem).subject_cn, f->id);
    EXPECT_TRUE(capif::crypto::verify_cert_signed_by(f->cert_pem, ccf.ca_pem()));
  }

  // Publish: 201 with Location and an assigned apiId.
  auto r = send_json(*prov.apf.client, "POST", published_url(ccf, prov.apf.id),
                     service_api_body("weather-api", prov.aef.id));
  ASSERT_EQ(r.status, 201) << r.body;
  auto published = body_json(r);
  const std::string api_id = published.at("apiId");
  ASSERT_NE(r.header("location"), nullptr);
  EXPECT_EQ(*r.header("location"), published_url(ccf, prov.apf.id) + "/" + api_id);
  EXPECT_EQ(*r.header("content-type"), "application/json");
  publish(ccf, prov, service_api_body("maps-api", prov.aef.id));

  // GET one and all.
  r = send(*prov.apf.client, "GET", published_url(ccf, prov.apf.id) + "/" + api_id);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_json(r).at("apiName"), "weather-api");
  r = send(*prov.apf.client, "GET", published_url(ccf, prov.apf.id));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_json(r).size(), 2u);

  // Discover by name, by AEF, and everything; shareableInfo is never returned.
  r = send(*inv.client, "GET", discover_url(ccf, inv.id, "&api-name=weather-api"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(discovered_ids(r), std::vector<std::string>{api_id});
  EXPECT_FALSE(body_json(r)["serviceAPIDescriptions"][0].contains("shareableInfo"));
  r = send(*inv.client, "GET", discover_url(ccf, inv.id, "&aef-id=" + prov.aef.id));
  EXPECT_EQ(discovered_ids(r).size(), 2u);
  r = send(*inv.client, "GET", discover_url(ccf, inv.id, "&api-name=weather-api&protocol=HTTP_2"));
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(discovered_ids(r).empty());

  // PUT replaces the description; PATCH merges.
  auto updated = service_api_body("weather-api", prov.aef.id);
  updated["description"] = "now with forecasts";
  r = send_json(*prov.apf.client, "PUT", published_url(ccf, prov.apf.id) + "/" + api_id, updated);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r).at("description"), "now with forecasts");
  r = send(*prov.apf.client, "PATCH", published_url(ccf, prov.apf.id) + "/" + api_id,
           R"({"description":"patched"})", "application/merge-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r).at("description"), "patched");
  EXPECT_EQ(body_json(r).at("apiName"), "weather-api");
  r = send(*inv.client, "GET", discover_url(ccf, inv.id, "&api-name=weather-api"));
  EXPECT_EQ(body_json(r)["serviceAPIDescriptions"][0].at("description"), "patched");

  // Invoker update (PUT) and merge patch.
  auto enrolment = inv.enrolment;
  enrolment["apiInvokerInformation"] = "renamed";
  enrolment["onboardingInformation"].erase("onboardingSecret");
  r = send_json(*inv.client, "PUT", invokers_url(ccf) + "/" + inv.id, enrolment);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r).at("apiInvokerInformation"), "renamed");
  EXPECT_FALSE(body_json(r)["onboardingInformation"].contains("onboardingSecret"));
  r = send(*inv.client, "PATCH", invokers_url(ccf) + "/" + inv.id,
           R"({"notificationDestination":"https://127.0.0.1:2/cb"})", "application/merge-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r).at("notificationDestination"), "https://127.0.0.1:2/cb");

  // Unpublish: gone from discovery and from GET.
  r = send(*prov.apf.client, "DELETE", published_url(ccf, prov.apf.id) + "/" + api_id);
  EXPECT_EQ(r.status, 204);
  r = send(*prov.apf.client, "GET", published_url(ccf, prov.apf.id) + "/" + api_id);
  EXPECT_EQ(r.status, 404);
  r = send(*inv.client, "GET", discover_url(ccf, inv.id, "&api-name=weather-api"));
  EXPECT_TRUE(discovered_ids(r).empty());

  // Offboard: the certificate stops working at once, even on the open keep-alive connection.
  r = send(*inv.client, "DELETE", invokers_url(ccf) + "/" + inv.id);
  EXPECT_EQ(r.status, 204);
  r = send(*inv.client, "GET", discover_url(ccf, inv.id));
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.reused_connection);
  EXPECT_EQ(*r.header("content-type"), "application/problem+json");
}

TEST(Lifecycle, CertificateRenewalReplacesTheOldCertificate) {
  CcfProcess ccf;
  ccf.start();
  Invoker inv = onboard_invoker(ccf);
  const std::string new_key = capif::crypto::generate_ec_key_pem();
  auto enrolment = inv.enrolment;
  enrolment["onboardingInformation"] = {
      {"apiInvokerPublicKey", capif::crypto::make_csr_pem(new_key, "renewed")}};
  auto r = send_json(*inv.client, "PUT", invokers_url(ccf) + "/" + inv.id, enrolment);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string new_cert = body_json(r)["onboardingInformation"]["apiInvokerCertificate"];
  EXPECT_NE(new_cert, inv.cert_pem);
  EXPECT_EQ(capif::crypto::inspect_cert(new_cert).subject_cn, inv.id);

  auto renewed = make_client(ccf, new_cert, new_key);
  EXPECT_EQ(send(*renewed, "GET", discover_url(ccf, inv.id)).status, 200);
  auto old_conn = make_client(ccf, inv.cert_pem, inv.key_pem);
  EXPECT_EQ(send(*old_conn, "GET", discover_url(ccf, inv.id)).status, 401)
      << "the old certificate is revoked";
}

TEST(Lifecycle, ProviderUpdateAndDeregistration) {
  CcfProcess ccf;
  ccf.start();
  Provider prov = register_provider(ccf);
  auto api = publish(ccf, prov, service_api_body("to-be-removed", prov.aef.id));

  // PATCH the domain info; functions keep their ids and certificates.
  auto r = send(*prov.amf.client, "PATCH", registrations_url(ccf) + "/" + prov.dom_id,
                R"({"apiProvDomInfo":"renamed domain"})", "application/merge-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = body_json(r);
  EXPECT_EQ(j.at("apiProvDomInfo"), "renamed domain");
  EXPECT_EQ(j.at("apiProvFuncs").size(), 3u);
  EXPECT_EQ(send(*prov.apf.client, "GET", published_url(ccf, prov.apf.id)).status, 200);

  // PUT that drops the AEF: its certificate stops working.
  auto body = prov.registration;
  auto funcs = json::array();
  for (const auto& f : body["apiProvFuncs"])
    if (f["apiProvFuncRole"] != "AEF") funcs.push_back(f);
  body["apiProvFuncs"] = funcs;
  r = send_json(*prov.amf.client, "PUT", registrations_url(ccf) + "/" + prov.dom_id, body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r).at("apiProvFuncs").size(), 2u);

  // DELETE: every function certificate stops working and the domain's APIs are gone.
  auto inv = onboard_invoker(ccf);
  r = send(*prov.amf.client, "DELETE", registrations_url(ccf) + "/" + prov.dom_id);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(send(*prov.apf.client, "GET", published_url(ccf, prov.apf.id)).status, 401);
  r = send(*inv.client, "GET", discover_url(ccf, inv.id, "&api-name=to-be-removed"));
  EXPECT_EQ(r.body, "{}");
}

TEST(Lifecycle, RegistrationCredentialInRegSecAndPartialFailure) {
  CcfProcess ccf;
  ccf.start();
  auto anon = make_client(ccf);
  const std::string key = capif::crypto::generate_ec_key_pem();
  auto body = registration_body(capif::crypto::make_csr_pem(key, "a"), "not a CSR",
                                capif::crypto::make_csr_pem(key, "c"));
  body["regSec"] = ccf.credential("provider");
  auto r = send_json(*anon, "POST", registrations_url(ccf), body);
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = body_json(r);
  EXPECT_EQ(j.at("apiProvFuncs").size(), 2u) << "the APF with the bad CSR is left out";
  ASSERT_TRUE(j.contains("failReason"));
  EXPECT_NE(j["failReason"].get<std::string>().find("/apiProvFuncs/1"), std::string::npos);
  ASSERT_NE(r.header("location"), nullptr);
  EXPECT_EQ(*r.header("location"), registrations_url(ccf) + "/" + j["apiProvDomId"].get<std::string>());
}

TEST(Lifecycle, OperatorCommands) {
  CcfProcess ccf;
  int status = -1;
  auto out = ccf.run_command("init", &status);
  EXPECT_EQ(status, 0);
  EXPECT_NE(out.find("created"), std::string::npos);
  out = ccf.run_command("init", &status);
  EXPECT_EQ(status, 0);
  EXPECT_NE(out.find("already present"), std::string::npos) << "init is idempotent";
  for (const char* key : {"ca.key", "server.key", "token-signing.key"}) {
    auto perms = std::filesystem::status(ccf.dir() / "data" / key).permissions();
    EXPECT_EQ(perms & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
        << key;
  }
  out = ccf.run_command("ca-cert", &status);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(out, ccf.ca_pem());
  ccf.run_command("credential --role admin", &status);
  EXPECT_EQ(status, 2);
}
