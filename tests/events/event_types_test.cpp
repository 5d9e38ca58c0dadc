// CAPIF_Events_API against the real capif-ccf: every CAPIFEvent reaches a real callback server with the
// detail TS 29.222 defines, eventFilters and eventReq are applied, and a subscriber only touches its own.
#include "../integration/problem_expect.hpp"
#include "events_test_support.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace capif::testing;

namespace {

class Events : public ::testing::Test {
 protected:
  void SetUp() override {
    ccf_.start();
    prov_ = register_provider(ccf_);
  }
  std::string api_url(const std::string& api_id) { return published_url(ccf_, prov_.apf.id) + "/" + api_id; }
  std::string publish_api(const std::string& name) {
    return publish(ccf_, prov_, service_api_body(name, prov_.aef.id))["apiId"];
  }
  std::string security_url(const std::string& invoker_id) {
    return ccf_.api_root() + "/capif-security/v1/trustedInvokers/" + invoker_id;
  }

  CcfProcess ccf_;
  Provider prov_;
  CaptureServer callback_;
};

TEST_F(Events, ServiceApiAvailableUpdateUnavailable) {
  const auto sub =
      subscribe(ccf_, prov_.amf,
                subscription({"SERVICE_API_AVAILABLE", "SERVICE_API_UPDATE", "SERVICE_API_UNAVAILABLE"},
                             callback_url(callback_.port(), "amf")));
  const auto api_id = publish_api("weather");
  auto changed = service_api_body("weather", prov_.aef.id);
  changed["description"] = "now with forecasts";
  ASSERT_EQ(send_json(*prov_.apf.client, "PUT", api_url(api_id), changed).status, 200);
  ASSERT_EQ(send(*prov_.apf.client, "DELETE", api_url(api_id)).status, 204);

  auto n = wait_notifications(callback_, 3);
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(n[0]["subscriptionId"], sub);
  EXPECT_EQ(n[0]["events"], "SERVICE_API_AVAILABLE");
  EXPECT_EQ(n[0]["eventDetail"]["apiIds"], json::array({api_id}));
  EXPECT_EQ(n[0]["eventDetail"]["serviceAPIDescriptions"][0]["apiName"], "weather");
  EXPECT_FALSE(n[0]["eventDetail"]["serviceAPIDescriptions"][0].contains("shareableInfo"));
  EXPECT_EQ(n[1]["events"], "SERVICE_API_UPDATE");
  EXPECT_EQ(n[1]["eventDetail"]["serviceAPIDescriptions"][0]["description"], "now with forecasts");
  EXPECT_EQ(n[2]["events"], "SERVICE_API_UNAVAILABLE");
  EXPECT_EQ(n[2]["eventDetail"]["apiIds"], json::array({api_id}));
  EXPECT_FALSE(n[2]["eventDetail"].contains("serviceAPIDescriptions"));
}

TEST_F(Events, InvokerOnboardedUpdatedOffboarded) {
  subscribe(ccf_, prov_.aef,
            subscription({"API_INVOKER_ONBOARDED", "API_INVOKER_UPDATED", "API_INVOKER_OFFBOARDED"},
                         callback_url(callback_.port(), "aef")));
  auto inv = onboard_invoker(ccf_);
  auto enrolment = inv.enrolment;
  enrolment["apiInvokerInformation"] = "renamed";
  enrolment["onboardingInformation"].erase("onboardingSecret");
  ASSERT_EQ(send_json(*inv.client, "PUT", invokers_url(ccf_) + "/" + inv.id, enrolment).status, 200);
  ASSERT_EQ(send(*inv.client, "DELETE", invokers_url(ccf_) + "/" + inv.id).status, 204);

  auto n = wait_notifications(callback_, 3);
  ASSERT_EQ(n.size(), 3u);
  const std::vector<std::string> expected{"API_INVOKER_ONBOARDED", "API_INVOKER_UPDATED",
                                          "API_INVOKER_OFFBOARDED"};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(n[i]["events"], expected[i]);
    EXPECT_EQ(n[i]["eventDetail"]["apiInvokerIds"], json::array({inv.id}));
  }
}

TEST_F(Events, AccessControlPolicyAndAuthorizationRevoked) {
  const auto api_id = publish_api("weather");
  subscribe(ccf_, prov_.aef,
            subscription({"ACCESS_CONTROL_POLICY_UPDATE", "API_INVOKER_AUTHORIZATION_REVOKED",
                          "ACCESS_CONTROL_POLICY_UNAVAILABLE"},
                         callback_url(callback_.port(), "aef")));
  auto inv = onboard_invoker(ccf_);
  CaptureServer invoker_endpoint;  // the invoker's SecurityNotification goes through the outbox too
  json security{{"securityInfo", json::array({{{"aefId", prov_.aef.id}, {"prefSecurityMethods", {"PKI"}}}})},
                {"notificationDestination", callback_url(invoker_endpoint.port(), "invoker")}};
  ASSERT_EQ(send_json(*inv.client, "PUT", security_url(inv.id), security).status, 201);
  ASSERT_EQ(send(*prov_.aef.client, "DELETE", security_url(inv.id)).status, 204);
  ASSERT_EQ(send(*prov_.apf.client, "DELETE", api_url(api_id)).status, 204);

  auto n = wait_notifications(callback_, 4);
  ASSERT_EQ(n.size(), 4u);
  EXPECT_EQ(n[0]["events"], "ACCESS_CONTROL_POLICY_UPDATE");
  EXPECT_EQ(n[0]["eventDetail"]["accCtrlPolList"]["apiId"], api_id);
  EXPECT_EQ(n[0]["eventDetail"]["accCtrlPolList"]["apiInvokerPolicies"][0]["apiInvokerId"], inv.id);
  EXPECT_EQ(n[1]["events"], "ACCESS_CONTROL_POLICY_UPDATE");  // the invoker left the list
  EXPECT_EQ(n[1]["eventDetail"]["accCtrlPolList"]["apiInvokerPolicies"], json::array());
  EXPECT_EQ(n[2]["events"], "API_INVOKER_AUTHORIZATION_REVOKED");
  EXPECT_EQ(n[2]["eventDetail"]["apiInvokerIds"], json::array({inv.id}));
  EXPECT_EQ(n[2]["eventDetail"]["apiIds"], json::array({api_id}));
  EXPECT_EQ(n[3]["events"], "ACCESS_CONTROL_POLICY_UNAVAILABLE");
  EXPECT_EQ(n[3]["eventDetail"]["apiIds"], json::array({api_id}));

  auto sec = invoker_endpoint.wait_for(1, kWait);
  ASSERT_EQ(sec.size(), 1u);
  auto body = json::parse(sec[0].body);
  EXPECT_EQ(body["apiInvokerId"], inv.id);
  EXPECT_EQ(body["aefId"], prov_.aef.id);
  EXPECT_EQ(body["cause"], "UNEXPECTED_REASON");
}

TEST_F(Events, InvocationSuccessAndFailureFromLogs) {
  const auto api_id = publish_api("weather");
  auto inv = onboard_invoker(ccf_);
  subscribe(ccf_, prov_.amf,
            subscription({"SERVICE_API_INVOCATION_SUCCESS", "SERVICE_API_INVOCATION_FAILURE"},
                         callback_url(callback_.port(), "amf")));
  auto r = send_json(*prov_.aef.client, "POST",
                     ccf_.api_root() + "/api-invocation-logs/v1/" + prov_.aef.id + "/logs",
                     invocation_log(prov_.aef.id, inv.id, api_id, {"200", "503", "201"}));
  ASSERT_EQ(r.status, 201) << r.body;
  auto n = wait_notifications(callback_, 2);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[0]["events"], "SERVICE_API_INVOCATION_SUCCESS");
  const auto& ok = n[0]["eventDetail"]["invocationLogs"][0];
  EXPECT_EQ(ok["apiInvokerId"], inv.id);
  ASSERT_EQ(ok["logs"].size(), 2u);
  EXPECT_EQ(ok["logs"][0]["result"], "200");
  EXPECT_EQ(ok["logs"][1]["result"], "201");
  EXPECT_EQ(n[1]["events"], "SERVICE_API_INVOCATION_FAILURE");
  ASSERT_EQ(n[1]["eventDetail"]["invocationLogs"][0]["logs"].size(), 1u);
  EXPECT_EQ(n[1]["eventDetail"]["invocationLogs"][0]["logs"][0]["result"], "503");
}

// A filtered-out event would arrive before the next matching one (one queue, in order): the last
// matching event is the sentinel that proves nothing else came.
TEST_F(Events, FiltersByApiAefAndInvoker) {
  const auto a = publish_api("alpha");
  const auto b = publish_api("beta");
  auto other = register_provider(ccf_);
  auto inv1 = onboard_invoker(ccf_);
  auto inv2 = onboard_invoker(ccf_);
  auto body = subscription({"SERVICE_API_UPDATE", "SERVICE_API_AVAILABLE", "API_INVOKER_UPDATED"},
                           callback_url(callback_.port(), "filtered"));
  body["eventFilters"] =
      json::array({{{"apiIds", {b}}}, {{"aefIds", {prov_.aef.id}}}, {{"apiInvokerIds", {inv1.id}}}});
  subscribe(ccf_, prov_.amf, body);

  ASSERT_EQ(send_json(*prov_.apf.client, "PUT", api_url(a), service_api_body("alpha", prov_.aef.id)).status,
            200);
  ASSERT_EQ(send_json(*prov_.apf.client, "PUT", api_url(b), service_api_body("beta", prov_.aef.id)).status,
            200);
  publish(ccf_, other, service_api_body("gamma", other.aef.id));  // another AEF: filtered out
  const auto d = publish_api("delta");
  for (auto* inv : {&inv2, &inv1}) {
    auto e = inv->enrolment;
    e["onboardingInformation"].erase("onboardingSecret");
    e["apiInvokerInformation"] = "x";
    ASSERT_EQ(send_json(*inv->client, "PUT", invokers_url(ccf_) + "/" + inv->id, e).status, 200);
  }
  auto n = wait_notifications(callback_, 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  n = notifications(callback_.wait_for(0, std::chrono::milliseconds(0)));
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(n[0]["events"], "SERVICE_API_UPDATE");
  EXPECT_EQ(n[0]["eventDetail"]["apiIds"], json::array({b}));
  EXPECT_EQ(n[1]["events"], "SERVICE_API_AVAILABLE");
  EXPECT_EQ(n[1]["eventDetail"]["apiIds"], json::array({d}));
  EXPECT_EQ(n[2]["events"], "API_INVOKER_UPDATED");
  EXPECT_EQ(n[2]["eventDetail"]["apiInvokerIds"], json::array({inv1.id}));
}

TEST_F(Events, TestNotificationImmediateReportAndMaxReports) {
  const auto existing = publish_api("alpha");
  auto body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(callback_.port(), "req"));
  body["requestTestNotification"] = true;
  body["eventReq"] = {{"immRep", true}, {"maxReportNbr", 2}};
  auto r = send_json(*prov_.amf.client, "POST", subscriptions_url(ccf_, prov_.amf.id), body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body_json(r)["supportedFeatures"], "5");
  const auto second = publish_api("beta");
  publish_api("gamma");  // third report: over maxReportNbr
  auto n = wait_notifications(callback_, 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  n = notifications(callback_.wait_for(0, std::chrono::milliseconds(0)));
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(n[0]["events"], "SERVICE_API_AVAILABLE");  // the test notification: no detail
  EXPECT_FALSE(n[0].contains("eventDetail"));
  EXPECT_EQ(n[1]["eventDetail"]["apiIds"], json::array({existing}));  // immediate report
  EXPECT_EQ(n[2]["eventDetail"]["apiIds"], json::array({second}));
}

TEST_F(Events, NoEventDetailWithoutEnhancedEventReport) {
  auto body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(callback_.port(), "plain"));
  body.erase("supportedFeatures");
  auto r = send_json(*prov_.amf.client, "POST", subscriptions_url(ccf_, prov_.amf.id), body);
  ASSERT_EQ(r.status, 201) << r.body;
  publish_api("alpha");
  auto n = wait_notifications(callback_, 1);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_FALSE(n[0].contains("eventDetail"));
}

TEST_F(Events, PeriodicReportingWaitsForThePeriod) {
  auto body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(callback_.port(), "periodic"));
  body["eventReq"] = {{"notifMethod", "PERIODIC"}, {"repPeriod", 2}};
  const auto t0 = std::chrono::steady_clock::now();
  subscribe(ccf_, prov_.amf, body);
  publish_api("alpha");
  auto n = wait_notifications(callback_, 1);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_GE(seconds_since(t0), 1.5);
}

TEST_F(Events, SubscriberOnlyTouchesItsOwnSubscriptions) {
  auto a = onboard_invoker(ccf_);
  auto b = onboard_invoker(ccf_);
  const auto body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(callback_.port(), "x"));
  auto r = send_json(*a.client, "POST", subscriptions_url(ccf_, a.id), body);
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_NE(r.header("location"), nullptr);
  const std::string location = *r.header("location");
  EXPECT_EQ(location.rfind(subscriptions_url(ccf_, a.id) + "/SUB", 0), 0u) << location;
  const std::string sub_id = location.substr(location.rfind('/') + 1);

  EXPECT_PROBLEM(send_json(*b.client, "POST", subscriptions_url(ccf_, a.id), body), 403);
  EXPECT_PROBLEM(send(*b.client, "DELETE", location), 403);
  EXPECT_PROBLEM(send_json(*b.client, "PUT", location, body), 403);
  EXPECT_PROBLEM(send(*b.client, "PATCH", location, R"({"events":["SERVICE_API_UPDATE"]})",
                      "application/merge-patch+json"),
                 403);
  // Under its own id, another's subscription is not a resource: 404.
  EXPECT_PROBLEM(send(*b.client, "DELETE", subscriptions_url(ccf_, b.id) + "/" + sub_id), 404);
  EXPECT_PROBLEM(send_json(*prov_.aef.client, "POST", subscriptions_url(ccf_, a.id), body), 403);

  // The owner may update, patch and delete.
  auto changed = body;
  changed["events"] = {"SERVICE_API_UNAVAILABLE"};
  r = send_json(*a.client, "PUT", location, changed);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r)["events"], json::array({"SERVICE_API_UNAVAILABLE"}));
  r = send(*a.client, "PATCH", location, R"({"events":["SERVICE_API_UPDATE","SERVICE_API_AVAILABLE"]})",
           "application/merge-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r)["events"].size(), 2u);
  EXPECT_EQ(send(*a.client, "DELETE", location).status, 204);
  EXPECT_PROBLEM(send(*a.client, "DELETE", location), 404);
}

TEST_F(Events, BadSubscriptionsNameTheField) {
  const auto url = subscriptions_url(ccf_, prov_.amf.id);
  auto& c = *prov_.amf.client;
  auto body = subscription({"SERVICE_API_AVAILABLE", "NOT_AN_EVENT"}, callback_url(1, "x"));
  EXPECT_PROBLEM(send_json(c, "POST", url, body), 400, "/events/1");
  body = subscription(json::array(), callback_url(1, "x"));
  EXPECT_PROBLEM(send_json(c, "POST", url, body), 400, "/events");
  body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(1, "x"));
  body.erase("notificationDestination");
  EXPECT_PROBLEM(send_json(c, "POST", url, body), 400, "/notificationDestination");
  body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(1, "x"));
  body["eventFilters"] = json::array({{{"apiIds", {"a"}}}, {{"apiIds", {"b"}}}});
  EXPECT_PROBLEM(send_json(c, "POST", url, body), 400, "/eventFilters");
  body.erase("eventFilters");
  body["eventReq"] = {{"notifMethod", "PERIODIC"}};
  EXPECT_PROBLEM(send_json(c, "POST", url, body), 400, "/eventReq/repPeriod");
  body["eventReq"] = {{"monDur", "2001-01-01T00:00:00Z"}};
  EXPECT_PROBLEM(send_json(c, "POST", url, body), 400, "/eventReq/monDur");
  body["eventReq"] = {{"maxReportNbr", -1}};
  EXPECT_PROBLEM(send_json(c, "POST", url, body), 400, "/eventReq/maxReportNbr");
  body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(1, "x"));
  body["supportedFeatures"] = "0";
  body["eventFilters"] = json::array({{{"apiIds", {"a"}}}});
  EXPECT_PROBLEM(send_json(c, "POST", url, body), 400, "/eventFilters");
  body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(1, "x"));
  body["websockNotifConfig"] = {{"requestWebsocketUri", true}};
  EXPECT_PROBLEM(send_json(c, "POST", url, body), 400, "/websockNotifConfig");
  EXPECT_PROBLEM(send(c, "POST", url, "{", "application/json"), 400);
}

}  // namespace

// A subscription names event types; what reaches it is only what its subscriber may see: an invoker gets
// invocation and onboarding events about itself only, and another provider domain's functions get no
// policy or invocation events of this domain's APIs. The last event each receives is a sentinel that
// proves nothing else came before it on its queue.
TEST_F(Events, SubscribersOnlyReceiveWhatIsTheirs) {
  const auto api_id = publish_api("weather");
  auto me = onboard_invoker(ccf_);
  auto other = onboard_invoker(ccf_);
  auto stranger = register_provider(ccf_);
  CaptureServer mine, theirs;
  // (An invoker asking for ACCESS_CONTROL_POLICY_UPDATE is refused outright: subscription_lifecycle_test.)
  subscribe(ccf_, me,
            subscription({"SERVICE_API_INVOCATION_SUCCESS", "API_INVOKER_UPDATED"},
                         callback_url(mine.port(), "me")));
  subscribe(ccf_, stranger.amf,
            subscription({"SERVICE_API_INVOCATION_SUCCESS", "ACCESS_CONTROL_POLICY_UPDATE", "SERVICE_API_UPDATE"},
                         callback_url(theirs.port(), "stranger")));
  const std::string logs = ccf_.api_root() + "/api-invocation-logs/v1/" + prov_.aef.id + "/logs";
  ASSERT_EQ(send_json(*prov_.aef.client, "POST", logs, invocation_log(prov_.aef.id, other.id, api_id, {"200"})).status,
            201);
  json security{{"securityInfo", json::array({{{"aefId", prov_.aef.id}, {"prefSecurityMethods", {"PKI"}}}})},
                {"notificationDestination", callback_url(mine.port(), "sec")}};
  ASSERT_EQ(send_json(*other.client, "PUT", security_url(other.id), security).status, 201);  // policy update
  ASSERT_EQ(send_json(*prov_.aef.client, "POST", logs, invocation_log(prov_.aef.id, me.id, api_id, {"200"})).status,
            201);
  auto changed = service_api_body("weather", prov_.aef.id);
  changed["description"] = "sentinel";
  ASSERT_EQ(send_json(*prov_.apf.client, "PUT", api_url(api_id), changed).status, 200);

  auto n = wait_notifications(mine, 1);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0]["events"], "SERVICE_API_INVOCATION_SUCCESS");
  EXPECT_EQ(n[0]["eventDetail"]["invocationLogs"][0]["apiInvokerId"], me.id);
  auto s = wait_notifications(theirs, 1);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0]["events"], "SERVICE_API_UPDATE");  // the sentinel, and nothing of the other domain before
  EXPECT_EQ(mine.wait_for(2, std::chrono::milliseconds(300)).size(), 1u);
  EXPECT_EQ(theirs.wait_for(2, std::chrono::milliseconds(300)).size(), 1u);
}
