// supportedFeatures negotiation against the real capif-ccf: every API answers with the intersection of what
// the client asked and what the CCF supports; nothing unsupported is advertised.
#include "events_test_support.hpp"

#include <gtest/gtest.h>

using namespace capif::testing;

namespace {

TEST(Features, AnswersCarryTheIntersection) {
  CcfProcess ccf;
  ccf.start();
  auto prov = register_provider(ccf);
  auto inv = onboard_invoker(ccf);

  // Publish: 1 ApiSupportedFeaturePublishing and 2 PatchUpdate of "FF".
  auto api = service_api_body("weather", prov.aef.id);
  api["supportedFeatures"] = "FF";
  auto r = send_json(*prov.apf.client, "POST", published_url(ccf, prov.apf.id), api);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body_json(r)["supportedFeatures"], "3");
  const std::string api_id = body_json(r)["apiId"];

  // Invoker management: 3 PatchUpdate only (no test or websocket notifications of onboarding).
  auto enrolment = inv.enrolment;
  enrolment["onboardingInformation"].erase("onboardingSecret");
  enrolment["supportedFeatures"] = "7";
  r = send_json(*inv.client, "PUT", invokers_url(ccf) + "/" + inv.id, enrolment);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r)["supportedFeatures"], "4");

  // Security: 3 SecurityInfoPerAPI; asking for none gets none.
  json security{{"securityInfo", json::array({{{"aefId", prov.aef.id}, {"prefSecurityMethods", {"PKI"}}}})},
                {"notificationDestination", "http://127.0.0.1:1/n"},
                {"supportedFeatures", "3"}};
  r = send_json(*inv.client, "PUT", ccf.api_root() + "/capif-security/v1/trustedInvokers/" + inv.id,
                security);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body_json(r)["supportedFeatures"], "0");

  // Events: 1, 2 and 3.
  auto sub = subscription({"SERVICE_API_UPDATE"}, callback_url(1, "x"));
  sub["supportedFeatures"] = "F";
  r = send_json(*prov.amf.client, "POST", subscriptions_url(ccf, prov.amf.id), sub);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body_json(r)["supportedFeatures"], "7");

  // Provider management: 1 PatchUpdate.
  auto reg = prov.registration;
  reg["suppFeat"] = "F";
  for (auto& f : reg["apiProvFuncs"]) f["regInfo"].erase("apiProvCert");
  r = send_json(*prov.amf.client, "PUT", registrations_url(ccf) + "/" + prov.dom_id, reg);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r)["suppFeat"], "1");
}

}  // namespace
