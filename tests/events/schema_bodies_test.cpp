// Request bodies are checked against the TS 29.222 OpenAPI schemas (bundled from third_party/3gpp-openapi)
// by the real capif-ccf and capif-aef: a sample of bad bodies per API, each answered 400 with an
// InvalidParam naming the bad field. Each case is one the schema catches (types, enumerations, GAD shapes,
// minItems, required members of nested types), not only the hand-written model.
#include "../integration/problem_expect.hpp"
#include "capif_daemons.hpp"
#include "events_test_support.hpp"

#include <gtest/gtest.h>

using namespace capif::testing;

namespace {

class SchemaBodies : public ::testing::Test {
 protected:
  void SetUp() override {
    ccf_.start();
    prov_ = register_provider(ccf_);
  }
  CcfProcess ccf_;
  Provider prov_;
};

TEST_F(SchemaBodies, PublishServiceApi) {
  auto& c = *prov_.apf.client;
  const auto url = published_url(ccf_, prov_.apf.id);
  auto body = service_api_body("geo", prov_.aef.id);
  body["aefProfiles"][0]["aefLocation"] = {{"geoArea", {{"shape", "POINT"}}}};
  EXPECT_PROBLEM(send_json(c, "POST", url, body), 400, "/aefProfiles/0/aefLocation/geoArea/point");
  body["aefProfiles"][0]["aefLocation"]["geoArea"]["point"] = {{"lon", 200}, {"lat", 0}};
  EXPECT_PROBLEM(send_json(c, "POST", url, body), 400, "/aefProfiles/0/aefLocation/geoArea/point/lon");
  body = service_api_body("geo", prov_.aef.id);
  body["aefProfiles"][0]["versions"][0]["resources"][0]["commType"] = 1;
  body["aefProfiles"][0]["interfaceDescriptions"][0]["port"] = 65536;
  EXPECT_PROBLEM(send_json(c, "POST", url, body), 400, "/aefProfiles/0/versions/0/resources/0/commType",
                 "/aefProfiles/0/interfaceDescriptions/0/port");
  // A merge patch may delete with null; a wrong type is still a wrong type.
  auto api_id = publish(ccf_, prov_, service_api_body("geo", prov_.aef.id))["apiId"].get<std::string>();
  auto r = send(c, "PATCH", url + "/" + api_id, R"({"apiStatus":{"aefIds":"AEF1"}})",
                "application/merge-patch+json");
  EXPECT_PROBLEM(r, 400, "/apiStatus/aefIds");
  r = send(c, "PATCH", url + "/" + api_id, R"({"description":null})", "application/merge-patch+json");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(SchemaBodies, InvokerManagement) {
  auto c = make_client(ccf_);
  json body = {{"onboardingInformation", {{"apiInvokerPublicKey", 42}}},
               {"notificationDestination", "https://invoker.example/cb"},
               {"apiList", {{"serviceAPIDescriptions", {{{"apiName", 7}}}}}},
               {"websockNotifConfig", {{"requestWebsocketUri", "yes"}}}};
  auto r = send_json(*c, "POST", invokers_url(ccf_), body,
                     {{"Authorization", "Bearer " + ccf_.credential("invoker")}});
  EXPECT_PROBLEM(r, 400, "/onboardingInformation/apiInvokerPublicKey",
                 "/apiList/serviceAPIDescriptions/0/apiName", "/websockNotifConfig/requestWebsocketUri");
}

TEST_F(SchemaBodies, ProviderManagement) {
  auto body = prov_.registration;
  body["apiProvFuncs"][0]["apiProvFuncRole"] = 3;
  body["apiProvFuncs"][0]["regInfo"].erase("apiProvPubKey");
  auto r = send_json(*prov_.amf.client, "PUT", registrations_url(ccf_) + "/" + prov_.dom_id, body);
  EXPECT_PROBLEM(r, 400, "/apiProvFuncs/0/apiProvFuncRole", "/apiProvFuncs/0/regInfo/apiProvPubKey");
}

TEST_F(SchemaBodies, Events) {
  auto body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(1, "x"));
  body["eventReq"] = {{"notifMethod", 1}, {"repPeriod", "60"}};
  body["eventFilters"] = json::array({{{"apiIds", "not-a-list"}}});
  EXPECT_PROBLEM(send_json(*prov_.amf.client, "POST", subscriptions_url(ccf_, prov_.amf.id), body), 400,
                 "/eventReq/notifMethod", "/eventReq/repPeriod", "/eventFilters/0/apiIds");
}

TEST_F(SchemaBodies, SecurityAndLogging) {
  auto inv = onboard_invoker(ccf_);
  json security = {{"notificationDestination", "https://invoker.example/cb"},
                   {"securityInfo", {{{"aefId", prov_.aef.id}, {"prefSecurityMethods", json::array()}}}}};
  auto r = send_json(*inv.client, "PUT", ccf_.api_root() + "/capif-security/v1/trustedInvokers/" + inv.id,
                     security);
  EXPECT_PROBLEM(r, 400, "/securityInfo/0/prefSecurityMethods");

  json log = invocation_log(prov_.aef.id, inv.id, "api-1", {"200"});
  log["logs"][0]["srcInterface"] = {{"ipv4Addr", "10.0.0.1"}, {"port", "443"}};
  log["logs"][0].erase("apiVersion");
  r = send_json(*prov_.aef.client, "POST",
                ccf_.api_root() + "/api-invocation-logs/v1/" + prov_.aef.id + "/logs", log);
  EXPECT_PROBLEM(r, 400, "/logs/0/srcInterface/port", "/logs/0/apiVersion");
}

TEST_F(SchemaBodies, AefSecurityApiAtTheAef) {
  AefProcess aef(ccf_);
  aef.start();
  capif::http::ClientConfig cfg;
  cfg.ca_pem = ccf_.ca_pem();
  cfg.expected_server_cn = aef.aef_id();
  capif::http::BlockingClient client(cfg);
  auto* c = &client;
  const auto url = aef.base_url() + "/aef-security/v1/check-authentication";
  EXPECT_PROBLEM(send_json(*c, "POST", url, json{{"apiInvokerId", 12}}), 400, "/apiInvokerId",
                 "/supportedFeatures");
  EXPECT_PROBLEM(send(*c, "POST", url, "[1,2]", "application/json"), 400, "");
}

}  // namespace
