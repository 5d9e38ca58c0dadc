#include "aef/gateway/acl.hpp"
#include "aef/gateway/log_queue.hpp"
#include "aef_test_support.hpp"

#include <gtest/gtest.h>

using namespace capif::aef;
using namespace capif::aef::test;
using nlohmann::json;

TEST(AefAcl, ParsesThePolicyOfTheInvoker) {
  json body{
      {"apiInvokerPolicies", json::array({{{"apiInvokerId", "OTHER"}, {"allowedTotalInvocations", 1}},
                                          {{"apiInvokerId", "INV1"},
                                           {"allowedTotalInvocations", 5},
                                           {"allowedInvocationsPerSecond", 2},
                                           {"allowedInvocationTimeRangeList",
                                            json::array({{{"startTime", "2023-11-14T22:00:00Z"},
                                                          {"stopTime", "2023-11-14T23:30:00+01:00"}}})}}})}};
  auto p = parse_access_control_policy(body, "INV1");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->total, 5);
  EXPECT_EQ(p->per_second, 2);
  ASSERT_EQ(p->ranges.size(), 1u);
  EXPECT_EQ(p->ranges[0].first, 1700000000 - 800);  // 2023-11-14T22:13:20Z = 1700000000
  EXPECT_EQ(p->ranges[0].second, p->ranges[0].first + 30 * 60);
  EXPECT_FALSE(parse_access_control_policy(body, "NOBODY"));
  EXPECT_FALSE(parse_rfc3339("2023-11-14 22:00:00Z"));
}

TEST(AefAcl, CountsTotalAndPerSecond) {
  AclEnforcer acl;
  InvokerPolicy p;
  p.total = 3;
  p.per_second = 2;
  const std::int64_t t0 = 1'700'000'000'000;
  EXPECT_EQ(acl.admit("api", "inv", p, t0), AclVerdict::allow);
  EXPECT_EQ(acl.admit("api", "inv", p, t0 + 10), AclVerdict::allow);
  EXPECT_EQ(acl.admit("api", "inv", p, t0 + 20), AclVerdict::over_rate);  // refused: not counted
  EXPECT_EQ(acl.admit("api", "other", p, t0 + 20), AclVerdict::allow);    // per invoker
  EXPECT_EQ(acl.admit("api", "inv", p, t0 + 1000), AclVerdict::allow);    // next second
  EXPECT_EQ(acl.admit("api", "inv", p, t0 + 2000), AclVerdict::over_total);
  EXPECT_EQ(acl.admit("api", "inv", std::nullopt, t0 + 3000), AclVerdict::allow);  // no policy: no limit
}

TEST(AefAcl, TimeRanges) {
  AclEnforcer acl;
  InvokerPolicy p;
  p.ranges = {{100, 200}};
  EXPECT_EQ(acl.admit("api", "inv", p, 150'000), AclVerdict::allow);
  EXPECT_EQ(acl.admit("api", "inv", p, 201'000), AclVerdict::outside_time);
  EXPECT_EQ(acl.admit("api", "inv", p, 99'000), AclVerdict::outside_time);
}

TEST(AefLogQueue, IsBoundedAndCountsDrops) {
  LogQueue q(3);
  for (int i = 0; i < 5; ++i) q.push({"inv", json{{"n", i}}.dump()});
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.dropped(), 2u);
  auto b = q.take(2);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(json::parse(b[0].log)["n"], 0);
  EXPECT_EQ(q.size(), 1u);
}

TEST(AefLogQueue, ShipperGroupsByInvokerAndRetriesWithoutLoss) {
  LogQueue q(100);
  FakeCcf ccf;
  int failures = 2;
  ccf.on_logs = [&](const json&) { return failures-- > 0 ? CcfReply{"connection refused"} : reply(201); };
  LogShipper s(q, ccf, "AEF1", 10, std::chrono::milliseconds(100));
  for (int i = 0; i < 4; ++i) q.push({i % 2 ? "B" : "A", json{{"n", i}}.dump()});
  EXPECT_FALSE(run_sync(s.flush_once()));  // A fails, B fails
  EXPECT_EQ(s.pending(), 4u);
  EXPECT_EQ(s.next_delay(), std::chrono::milliseconds(200));  // backoff
  q.push({"A", json{{"n", 4}}.dump()});                       // new calls keep queueing meanwhile
  EXPECT_TRUE(run_sync(s.flush_once()));
  EXPECT_EQ(s.delivered(), 4u);
  EXPECT_EQ(s.next_delay(), std::chrono::milliseconds(100));
  ASSERT_EQ(ccf.posted_logs.size(), 2u);
  EXPECT_EQ(ccf.posted_logs[0]["aefId"], "AEF1");
  EXPECT_EQ(ccf.posted_logs[0]["apiInvokerId"], "A");
  EXPECT_EQ(ccf.posted_logs[0]["logs"].size(), 2u);
  EXPECT_TRUE(run_sync(s.flush_once()));
  EXPECT_EQ(s.delivered(), 5u);
  EXPECT_EQ(q.dropped(), 0u);
}

TEST(AefLogQueue, A4xxDocumentIsDroppedNotRetriedForever) {
  LogQueue q(10);
  FakeCcf ccf;
  ccf.on_logs = [](const json&) { return reply(400); };
  LogShipper s(q, ccf, "AEF1", 10, std::chrono::milliseconds(100));
  q.push({"A", json{{"n", 1}}.dump()});
  EXPECT_TRUE(run_sync(s.flush_once()));
  EXPECT_EQ(s.pending(), 0u);
}

TEST(AefLogQueue, LargeBatchesAreSplitUnderTheDocumentLimitInOrder) {
  LogQueue q(1000);
  FakeCcf ccf;
  LogShipper s(q, ccf, "AEF1", 1000, std::chrono::milliseconds(100));
  const std::string big(40 * 1024, 'x');  // about 7 per document
  for (int i = 0; i < 20; ++i) q.push({"A", json{{"n", i}, {"pad", big}}.dump()});
  EXPECT_TRUE(run_sync(s.flush_once()));
  EXPECT_EQ(s.delivered(), 20u);
  ASSERT_GE(ccf.posted_logs.size(), 3u);
  int next = 0;
  for (const auto& doc : ccf.posted_logs) {
    EXPECT_LE(doc.dump().size(), LogShipper::kMaxDocumentBytes);
    EXPECT_EQ(doc["apiInvokerId"], "A");
    for (const auto& l : doc["logs"]) EXPECT_EQ(l["n"], next++);
  }
  EXPECT_EQ(next, 20);
}

TEST(AefLogQueue, JsonStringsAreEscapedAndInvalidUtf8Replaced) {
  std::string out;
  append_json_string(out, "plain/path");
  EXPECT_EQ(out, R"("plain/path")");
  out.clear();
  append_json_string(out, "a\"b\\c\n\xff");
  EXPECT_EQ(json::parse(out).get<std::string>(), "a\"b\\c\n\xEF\xBF\xBD");
}
