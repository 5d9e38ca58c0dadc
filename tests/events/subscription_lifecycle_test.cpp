// Event subscriptions against the real capif-ccf: a subscription ends (and is gone) when its
// maxReportNbr is reached or its monDur passes, also while the CCF is down; a subscription asking for what
// its subscriber is never sent is refused; immediate reporting reports the current state of every event
// type that has one, as far as the subscriber may see it.
#include "../integration/problem_expect.hpp"
#include "events_test_support.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <ctime>
#include <thread>

using namespace capif::testing;

namespace {

// An RFC 3339 date-time `seconds` from now.
std::string in_seconds(int seconds) {
  const std::time_t t = std::time(nullptr) + seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Rows of event_subscriptions in the CCF's database (a read-only connection of its own; -1 on error):
// removed means removed, not kept and silenced.
int stored_subscriptions(const CcfProcess& ccf) {
  sqlite3* db = nullptr;
  int n = -1;
  const auto file = ccf.dir() / "data" / "ccf.db";
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 1000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM event_subscriptions", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

class Lifecycle : public ::testing::Test {
 protected:
  void SetUp() override {
    ccf_.start();
    prov_ = register_provider(ccf_);
  }
  std::string publish_api(const std::string& name) {
    return publish(ccf_, prov_, service_api_body(name, prov_.aef.id))["apiId"];
  }
  std::string sub_url(Identity& who, const std::string& id) {
    return subscriptions_url(ccf_, who.id) + "/" + id;
  }
  // PUT, PATCH and DELETE of the subscription all answer 404.
  void expect_gone(Identity& who, const std::string& id, const json& body) {
    EXPECT_PROBLEM(send_json(*who.client, "PUT", sub_url(who, id), body), 404);
    EXPECT_PROBLEM(send(*who.client, "PATCH", sub_url(who, id), R"({"events":["SERVICE_API_UPDATE"]})",
                        "application/merge-patch+json"),
                   404);
    EXPECT_PROBLEM(send(*who.client, "DELETE", sub_url(who, id)), 404);
  }
  std::string security_url(const std::string& invoker_id) {
    return ccf_.api_root() + "/capif-security/v1/trustedInvokers/" + invoker_id;
  }
  void negotiate(Invoker& inv) {
    json security{
        {"securityInfo", json::array({{{"aefId", prov_.aef.id}, {"prefSecurityMethods", {"PKI"}}}})},
        {"notificationDestination", callback_url(callback_.port(), "sec")}};
    ASSERT_EQ(send_json(*inv.client, "PUT", security_url(inv.id), security).status, 201);
  }

  CcfProcess ccf_;
  Provider prov_;
  CaptureServer callback_;
};

TEST_F(Lifecycle, ReachingMaxReportNbrRemovesTheSubscriptionAfterItsLastReport) {
  auto body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(callback_.port(), "max"));
  body["eventReq"] = {{"maxReportNbr", 2}};
  const auto id = subscribe(ccf_, prov_.amf, body);
  const auto first = publish_api("alpha");
  const auto second = publish_api("beta");  // the last report: written with the removal
  publish_api("gamma");
  auto n = wait_notifications(callback_, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  n = notifications(callback_.wait_for(0, std::chrono::milliseconds(0)));
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[0]["eventDetail"]["apiIds"], json::array({first}));
  EXPECT_EQ(n[1]["eventDetail"]["apiIds"], json::array({second}));
  expect_gone(prov_.amf, id, body);
  EXPECT_EQ(stored_subscriptions(ccf_), 0);
}

TEST_F(Lifecycle, OneTimeEndsWithItsImmediateReport) {
  const auto existing = publish_api("alpha");
  auto body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(callback_.port(), "once"));
  body["eventReq"] = {{"notifMethod", "ONE_TIME"}, {"immRep", true}};
  auto r = send_json(*prov_.amf.client, "POST", subscriptions_url(ccf_, prov_.amf.id), body);
  ASSERT_EQ(r.status, 201) << r.body;
  auto n = wait_notifications(callback_, 1);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0]["eventDetail"]["apiIds"], json::array({existing}));
  expect_gone(prov_.amf, subscription_id(r), body);
  publish_api("beta");
  EXPECT_EQ(callback_.wait_for(2, std::chrono::milliseconds(500)).size(), 1u);
}

TEST_F(Lifecycle, MonitoringDurationEndRemovesTheSubscription) {
  auto body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(callback_.port(), "mondur"));
  body["eventReq"] = {{"monDur", in_seconds(2)}};
  const auto id = subscribe(ccf_, prov_.amf, body);
  publish_api("alpha");
  ASSERT_EQ(wait_notifications(callback_, 1).size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  publish_api("beta");
  EXPECT_EQ(callback_.wait_for(2, std::chrono::milliseconds(500)).size(), 1u);
  EXPECT_EQ(stored_subscriptions(ccf_), 0);
  body["eventReq"] = {{"monDur", in_seconds(60)}};  // a valid body: the 404 is about the resource
  expect_gone(prov_.amf, id, body);
}

TEST_F(Lifecycle, ASubscriptionThatEndsWhileTheCcfIsDownIsGoneAtStart) {
  auto body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(callback_.port(), "down"));
  body["eventReq"] = {{"monDur", in_seconds(2)}};
  const auto id = subscribe(ccf_, prov_.amf, body);
  ASSERT_EQ(ccf_.terminate(), 0);
  ASSERT_EQ(stored_subscriptions(ccf_), 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  ccf_.start();
  // Already gone when the port opens: removed at start, not by the housekeeping loop (its first round is
  // 0.3 s after the start).
  EXPECT_EQ(stored_subscriptions(ccf_), 0);
  body["eventReq"] = {{"monDur", in_seconds(60)}};
  expect_gone(prov_.amf, id, body);
  publish_api("alpha");
  EXPECT_TRUE(callback_.wait_for(1, std::chrono::milliseconds(500)).empty());
}

TEST_F(Lifecycle, EventsTheSubscriberIsNeverSentAreRefused) {
  auto inv = onboard_invoker(ccf_);
  auto other = onboard_invoker(ccf_);
  const auto url = subscriptions_url(ccf_, inv.id);
  const auto dest = callback_url(callback_.port(), "x");
  // An invoker is never sent policy or topology events.
  EXPECT_PROBLEM(send_json(*inv.client, "POST", url,
                           subscription({"SERVICE_API_AVAILABLE", "ACCESS_CONTROL_POLICY_UPDATE"}, dest)),
                 403, "/events/1");
  EXPECT_PROBLEM(send_json(*inv.client, "POST", url, subscription({"API_TOPOLOGY_HIDING_CREATED"}, dest)),
                 403, "/events/0");
  // Nor invoker events about others only.
  auto filtered = subscription({"API_INVOKER_UPDATED"}, dest);
  filtered["eventFilters"] = json::array({{{"apiInvokerIds", {other.id}}}});
  EXPECT_PROBLEM(send_json(*inv.client, "POST", url, filtered), 403, "/eventFilters/0/apiInvokerIds");
  filtered["eventFilters"][0]["apiInvokerIds"] = {other.id, inv.id};
  const auto id = subscribe(ccf_, inv, filtered);
  // PUT and PATCH are held to the same.
  EXPECT_PROBLEM(send_json(*inv.client, "PUT", url + "/" + id,
                           subscription({"ACCESS_CONTROL_POLICY_UNAVAILABLE"}, dest)),
                 403, "/events/0");
  EXPECT_PROBLEM(
      send(*inv.client, "PATCH", url + "/" + id,
           R"({"events":["API_INVOKER_UPDATED"],"eventFilters":[{"apiInvokerIds":[")" + other.id + R"("]}]})",
           "application/merge-patch+json"),
      403, "/eventFilters/0/apiInvokerIds");

  // A provider function of another domain filtering on this domain's AEF or API only.
  const auto api_id = publish_api("weather");
  auto stranger = register_provider(ccf_);
  auto theirs = subscription({"ACCESS_CONTROL_POLICY_UPDATE", "SERVICE_API_INVOCATION_FAILURE"}, dest);
  theirs["eventFilters"] = json::array({{{"aefIds", {prov_.aef.id}}}, {{"apiIds", {api_id}}}});
  auto r = send_json(*stranger.amf.client, "POST", subscriptions_url(ccf_, stranger.amf.id), theirs);
  EXPECT_PROBLEM(r, 403, "/eventFilters/0/aefIds", "/eventFilters/1/apiIds");
  // Ids nobody has get the very same answer: it does not tell which ids exist in other domains.
  auto unknown = theirs;
  unknown["eventFilters"] = json::array({{{"aefIds", {"AEF-nobody"}}}, {{"apiIds", {"not-published-yet"}}}});
  auto u = send_json(*stranger.amf.client, "POST", subscriptions_url(ccf_, stranger.amf.id), unknown);
  EXPECT_PROBLEM(u, 403, "/eventFilters/0/aefIds", "/eventFilters/1/apiIds");
  EXPECT_EQ(body_json(u)["invalidParams"], body_json(r)["invalidParams"]);
  // Its own AEF alongside is fine, and so are events anyone may see.
  theirs["eventFilters"][0]["aefIds"] = {prov_.aef.id, stranger.aef.id};
  theirs["eventFilters"][1] = {{"aefIds", {stranger.aef.id}}};
  subscribe(ccf_, stranger.amf, theirs);
  subscribe(ccf_, inv, subscription({"SERVICE_API_AVAILABLE", "SERVICE_API_INVOCATION_SUCCESS"}, dest));
}

TEST_F(Lifecycle, ImmediateReportIsTheCurrentStateTheSubscriberMaySee) {
  const auto api_id = publish_api("weather");
  auto inv1 = onboard_invoker(ccf_);
  auto inv2 = onboard_invoker(ccf_);
  negotiate(inv1);
  const std::vector<std::string> invokers = [&] {
    std::vector<std::string> v{inv1.id, inv2.id};
    std::sort(v.begin(), v.end());
    return v;
  }();
  auto stranger = register_provider(ccf_);
  CaptureServer mine, theirs, invoker;
  auto body = subscription({"API_INVOKER_ONBOARDED", "ACCESS_CONTROL_POLICY_UPDATE"},
                           callback_url(mine.port(), "amf"));
  body["eventReq"] = {{"immRep", true}};
  subscribe(ccf_, prov_.amf, body);
  body["notificationDestination"] = callback_url(theirs.port(), "stranger");
  subscribe(ccf_, stranger.amf, body);
  auto inv_body = subscription({"API_INVOKER_ONBOARDED"}, callback_url(invoker.port(), "inv"));
  inv_body["eventReq"] = {{"immRep", true}};
  subscribe(ccf_, inv2, inv_body);

  // The provider's own AMF: every onboarded invoker, then the policy of its AEF's API.
  auto n = wait_notifications(mine, 3);
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(n[0]["events"], "API_INVOKER_ONBOARDED");
  EXPECT_EQ(n[0]["eventDetail"]["apiInvokerIds"], json::array({invokers[0]}));
  EXPECT_EQ(n[1]["eventDetail"]["apiInvokerIds"], json::array({invokers[1]}));
  EXPECT_EQ(n[2]["events"], "ACCESS_CONTROL_POLICY_UPDATE");
  const auto& pol = n[2]["eventDetail"]["accCtrlPolList"];
  EXPECT_EQ(pol["apiId"], api_id);
  ASSERT_EQ(pol["apiInvokerPolicies"].size(), 1u);
  EXPECT_EQ(pol["apiInvokerPolicies"][0]["apiInvokerId"], inv1.id);
  // Another domain: the invokers, not this domain's policy. An invoker: only itself.
  EXPECT_EQ(wait_notifications(theirs, 2).size(), 2u);
  auto i = wait_notifications(invoker, 1);
  ASSERT_EQ(i.size(), 1u);
  EXPECT_EQ(i[0]["eventDetail"]["apiInvokerIds"], json::array({inv2.id}));
  EXPECT_EQ(mine.wait_for(4, std::chrono::milliseconds(300)).size(), 3u);
  EXPECT_EQ(theirs.wait_for(3, std::chrono::milliseconds(100)).size(), 2u);
  EXPECT_EQ(invoker.wait_for(2, std::chrono::milliseconds(100)).size(), 1u);
}

}  // namespace
