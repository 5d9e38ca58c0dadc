// The notification outbox against the real capif-ccf: a callback that is down gets everything once it is
// up, in order; a CCF killed with undelivered notifications delivers them after its restart; a callback
// that stays dead is given up (and counted) without slowing anyone else.
#include "../integration/problem_expect.hpp"
#include "black_hole.hpp"
#include "events_test_support.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace capif::testing;

namespace {

// Fast retries so that a callback coming back is noticed within a fraction of a second.
constexpr const char* kFastRetries = R"(
notifications:
  timeout_ms: 1000
  retry_initial_ms: 50
  retry_max_ms: 300
)";

CcfOptions options(const std::string& extra = kFastRetries) {
  CcfOptions o;
  o.extra_yaml = extra;
  return o;
}

std::vector<std::string> publish_apis(CcfProcess& ccf, Provider& prov, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i)
    ids.push_back(publish(ccf, prov, service_api_body("api" + std::to_string(i), prov.aef.id))["apiId"]);
  return ids;
}

void expect_in_order(const std::vector<json>& n, const std::vector<std::string>& api_ids) {
  ASSERT_EQ(n.size(), api_ids.size());
  for (std::size_t i = 0; i < n.size(); ++i) EXPECT_EQ(n[i]["eventDetail"]["apiIds"][0], api_ids[i]) << i;
}

TEST(Delivery, CallbackDownThenUpGetsEverythingInOrder) {
  CcfProcess ccf(options());
  ccf.start();
  auto prov = register_provider(ccf);
  const auto port = free_port();
  subscribe(ccf, prov.amf, subscription({"SERVICE_API_AVAILABLE"}, callback_url(port, "late")));
  const auto ids = publish_apis(ccf, prov, 8);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // several failed attempts
  EXPECT_GE(notification_stats(ccf)["failedAttempts"].get<int>(), 1);

  CaptureServer callback(port);
  callback.set_status(204);
  expect_in_order(wait_notifications(callback, ids.size()), ids);
  EXPECT_EQ(wait_pending(ccf, 0)["pending"], 0);
}

TEST(Delivery, DeadCallbackDoesNotSlowTheLiveOnes) {
  CcfProcess ccf(options());
  ccf.start();
  auto prov = register_provider(ccf);
  // A callback that accepts connections and never answers holds its queue for timeout_ms per attempt.
  CaptureServer live;
  BlackHole dead;
  subscribe(ccf, prov.amf, subscription({"SERVICE_API_AVAILABLE"}, callback_url(dead.port(), "dead")));
  subscribe(ccf, prov.apf, subscription({"SERVICE_API_AVAILABLE"}, callback_url(live.port(), "live")));
  const auto t0 = std::chrono::steady_clock::now();
  const auto ids = publish_apis(ccf, prov, 20);
  expect_in_order(wait_notifications(live, ids.size()), ids);
  EXPECT_LT(seconds_since(t0), 5.0);
  EXPECT_EQ(wait_pending(ccf, 20)["pending"], 20);  // the dead one's, still kept
}

TEST(Delivery, KilledCcfDeliversAfterRestart) {
  CcfProcess ccf(options());
  ccf.start();
  auto prov = register_provider(ccf);
  const auto port = free_port();
  subscribe(ccf, prov.amf, subscription({"SERVICE_API_AVAILABLE"}, callback_url(port, "restart")));
  const auto ids = publish_apis(ccf, prov, 6);
  ccf.kill9();

  CaptureServer callback(port);
  ccf.start();
  expect_in_order(wait_notifications(callback, ids.size()), ids);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(callback.wait_for(0, std::chrono::milliseconds(0)).size(), ids.size());  // each exactly once
  EXPECT_EQ(wait_pending(ccf, 0)["pending"], 0);
}

TEST(Delivery, DeadCallbackIsGivenUpAndCounted) {
  CcfProcess ccf(options(std::string(kFastRetries) + "  give_up_after_s: 1\n"));
  ccf.start();
  auto prov = register_provider(ccf);
  const auto port = free_port();
  subscribe(ccf, prov.amf, subscription({"SERVICE_API_AVAILABLE"}, callback_url(port, "never")));
  publish_apis(ccf, prov, 2);
  json stats;
  for (int i = 0; i < 50; ++i) {
    stats = notification_stats(ccf);
    if (stats["givenUp"] == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(stats["givenUp"], 2) << stats.dump();
  EXPECT_EQ(stats["pending"], 0);
  int status = 0;
  const auto log = run_capture("grep -c 'given up' " + (ccf.dir() / "ccf.log").string(), &status);
  EXPECT_EQ(std::stoi(log), 2);
}

// The counters count since the database was created: a restart (even a kill) keeps them, and they agree
// with what left the outbox.
TEST(Delivery, CountersSurviveARestart) {
  CcfProcess ccf(options(std::string(kFastRetries) + "  give_up_after_s: 1\n"));
  ccf.start();
  auto prov = register_provider(ccf);
  CaptureServer live;
  live.set_status(204);
  subscribe(ccf, prov.amf, subscription({"SERVICE_API_AVAILABLE"}, callback_url(live.port(), "live")));
  subscribe(ccf, prov.apf, subscription({"SERVICE_API_AVAILABLE"}, callback_url(free_port(), "never")));
  publish_apis(ccf, prov, 3);
  ASSERT_EQ(live.wait_for(3, kWait).size(), 3u);
  json before;
  for (int i = 0; i < 50; ++i) {
    before = notification_stats(ccf);
    if (before["givenUp"] == 3 && before["delivered"] == 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(before["delivered"], 3) << before.dump();
  ASSERT_EQ(before["givenUp"], 3) << before.dump();
  ASSERT_GE(before["failedAttempts"].get<int>(), 3) << before.dump();
  ASSERT_EQ(before["pending"], 0);

  ASSERT_EQ(ccf.terminate(), 0);
  ccf.start();
  EXPECT_EQ(notification_stats(ccf), before);
  ccf.kill9();
  ccf.start();
  EXPECT_EQ(notification_stats(ccf), before);
  // They go on from there.
  publish(ccf, prov, service_api_body("later", prov.aef.id));
  ASSERT_EQ(live.wait_for(4, kWait).size(), 4u);
  json after = notification_stats(ccf);
  for (int i = 0; i < 50 && after["delivered"] != 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    after = notification_stats(ccf);
  }
  EXPECT_EQ(after["delivered"], 4) << after.dump();
}

}  // namespace
