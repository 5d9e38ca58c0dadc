// The outbox in CcfStore: notices are written with the change that caused them, fanned out to the matching
// subscriptions, survive a reopen, and leave with their subscription or subscriber.
#include "ccf_store_test_support.hpp"

#include <gtest/gtest.h>

using namespace capif;
using namespace capif::ccf;
using namespace capif::ccf::store_test;

namespace {

TEST(OutboxStore, NoticesAreWrittenWithTheChangeAndSurviveAReopen) {
  TempDb t;
  std::vector<std::string> woken;
  {
    CcfStore s(t.file());
    add_provider(s, "DOM1", {"AEF1", "AEF2"});
    s.set_outbox_listener(
        [&](const std::vector<std::string>& q) { woken.insert(woken.end(), q.begin(), q.end()); });
    s.put_subscription(subscription("S1", "AEF1", {"API_INVOKER_ONBOARDED"}));
    s.put_subscription(subscription("S2", "AEF2", {"SERVICE_API_AVAILABLE"}));
    OutboxMessage direct;
    direct.queue = "aef:AEF9";
    direct.kind = "RevokeAuthorization";
    direct.url = "https://127.0.0.1:1/aef-security/v1/revoke-authorization";
    direct.body = "{}";
    s.put_invoker(invoker("INV1"), {{onboarded("INV1")}, {direct}});
    EXPECT_EQ(s.outbox_size(), 2);  // S2 did not subscribe to onboarding
    EXPECT_EQ(woken, (std::vector<std::string>{"aef:AEF9", "sub:S1"}));
  }
  CcfStore s(t.file());
  EXPECT_EQ(s.outbox_queues(), (std::vector<std::string>{"aef:AEF9", "sub:S1"}));
  auto batch = s.outbox_batch("sub:S1", 0, 10);
  ASSERT_EQ(batch.size(), 1u);
  auto body = nlohmann::json::parse(batch[0].body);
  EXPECT_EQ(body["subscriptionId"], "S1");
  EXPECT_EQ(body["events"], "API_INVOKER_ONBOARDED");
  EXPECT_EQ(batch[0].url, "http://127.0.0.1:1/S1");
  s.outbox_remove({batch[0].seq});
  EXPECT_TRUE(s.outbox_batch("sub:S1", 0, 10).empty());
  EXPECT_EQ(s.subscription_count(), 2u);
}

TEST(OutboxStore, AFailedChangeWritesNoNotice) {
  TempDb t;
  CcfStore s(t.file());
  s.put_subscription(subscription("S1", "AEF1", {"API_INVOKER_ONBOARDED"}));
  s.put_invoker(invoker("INV1"));
  auto clash = invoker("INV2");
  clash.cert_fingerprint = "fp-INV1";  // UNIQUE constraint: the transaction rolls back
  EXPECT_THROW(s.put_invoker(clash, {{onboarded("INV2")}, {}}), store::StoreError);
  EXPECT_EQ(s.outbox_size(), 0);
}

TEST(OutboxStore, NoticesLeaveWithTheirSubscriptionOrSubscriber) {
  TempDb t;
  CcfStore s(t.file());
  add_provider(s, "DOM1", {"AMF1", "AEF1"});
  s.put_invoker(invoker("INV1"));
  s.put_subscription(subscription("S1", "AEF1", {"API_INVOKER_ONBOARDED"}));
  s.put_subscription(subscription("S2", "AMF1", {"API_INVOKER_ONBOARDED"}));
  s.put_subscription(subscription("S3", "INV1", {"API_INVOKER_UPDATED"}));
  s.put_invoker(invoker("INV2"), {{onboarded("INV2")}, {}});
  EXPECT_EQ(s.outbox_size(), 2);
  s.delete_subscription("S2");
  EXPECT_EQ(s.outbox_size(), 1);
  // An invoker's subscription gets only events about itself; it goes with the invoker.
  EventOccurrence updated = onboarded("INV2");
  updated.event = "API_INVOKER_UPDATED";
  s.put_invoker(invoker("INV2"), {{updated}, {}});
  EXPECT_EQ(s.outbox_size(), 1);  // not INV1's business
  updated.invoker_ids = {"INV1"};
  s.put_invoker(invoker("INV1"), {{updated}, {}});
  EXPECT_EQ(s.outbox_size(), 2);
  s.delete_invoker("INV1");  // its subscription S3 and S3's notifications go too
  EXPECT_EQ(s.outbox_size(), 1);
  EXPECT_FALSE(s.subscription("S3"));
}

// S1: AMF1 of DOM1, API_INVOKER_ONBOARDED, at most two reports.
void subscribe_amf1_to_two_reports(CcfStore& s) {
  add_provider(s, "DOM1", {"AMF1"});
  auto sub = subscription("S1", "AMF1", {"API_INVOKER_ONBOARDED"});
  sub.sub.eventReq = model::ReportingInformation{};
  sub.sub.eventReq->maxReportNbr = 2;
  s.put_subscription(sub);
}

TEST(OutboxStore, MaxReportsAreCountedDurably) {
  TempDb t;
  {
    CcfStore s(t.file());
    subscribe_amf1_to_two_reports(s);
    s.put_invoker(invoker("INV1"), {{onboarded("INV1")}, {}});
  }
  CcfStore s(t.file());
  EXPECT_EQ(s.subscription("S1")->reports, 1);
  s.put_invoker(invoker("INV2"), {{onboarded("INV2")}, {}});
  s.put_invoker(invoker("INV3"), {{onboarded("INV3")}, {}});  // over the maximum
  EXPECT_EQ(s.outbox_size(), 2);
}

// The write that makes the last report removes the subscription; its reports stay in the outbox.
TEST(OutboxStore, ReachingMaxReportsRemovesTheSubscriptionNotItsReports) {
  TempDb t;
  {
    CcfStore s(t.file());
    subscribe_amf1_to_two_reports(s);
    s.put_invoker(invoker("INV1"), {{onboarded("INV1")}, {}});
    EXPECT_TRUE(s.subscription("S1"));
    s.put_invoker(invoker("INV2"), {{onboarded("INV2")}, {}});
    EXPECT_FALSE(s.subscription("S1"));
    EXPECT_EQ(s.outbox_size(), 2);
    const auto batch = s.outbox_batch("sub:S1", 0, 10);
    ASSERT_EQ(batch.size(), 2u);
    EXPECT_TRUE(s.outbox_has(batch[1].seq));
  }
  CcfStore s(t.file());
  EXPECT_FALSE(s.subscription("S1"));
  EXPECT_EQ(s.subscription_count(), 0u);
  EXPECT_EQ(s.outbox_size(), 2);
}

TEST(OutboxStore, EndedMonitoringDurationRemovesTheSubscription) {
  TempDb t;
  {
    CcfStore s(t.file());
    add_provider(s, "DOM1", {"AMF1"});
    auto ends = subscription("S1", "AMF1", {"API_INVOKER_ONBOARDED"});
    ends.sub.eventReq = model::ReportingInformation{};
    ends.sub.eventReq->monDur = "2100-01-01T00:00:00Z";
    s.put_subscription(ends);
    s.put_subscription(subscription("S2", "AMF1", {"API_INVOKER_ONBOARDED"}));
    EXPECT_TRUE(s.end_expired_subscriptions(unix_now_ms()).empty());
    const auto after_2100 = std::int64_t{4102444800} * 1000 + 1;
    EXPECT_EQ(s.end_expired_subscriptions(after_2100), std::vector<std::string>{"S1"});
    EXPECT_FALSE(s.subscription("S1"));
    EXPECT_TRUE(s.subscription("S2"));
  }
  CcfStore s(t.file());
  EXPECT_FALSE(s.subscription("S1"));
  EXPECT_TRUE(s.subscription("S2"));
}

TEST(OutboxStore, DeliveryCountersAreKeptWithTheRowsTheyCount) {
  TempDb t;
  {
    CcfStore s(t.file());
    add_provider(s, "DOM1", {"AMF1"});
    s.put_subscription(subscription("S1", "AMF1", {"API_INVOKER_ONBOARDED"}));
    s.put_invoker(invoker("INV1"), {{onboarded("INV1")}, {}});
    s.put_invoker(invoker("INV2"), {{onboarded("INV2")}, {}});
    const auto batch = s.outbox_batch("sub:S1", 0, 10);
    ASSERT_EQ(batch.size(), 2u);
    s.outbox_attempted(batch[0].seq);
    s.outbox_remove({batch[0].seq}, {1, 0, 0});
    s.outbox_remove({batch[1].seq}, {0, 1, 1});
  }
  CcfStore s(t.file());
  const auto c = s.outbox_counters();
  EXPECT_EQ(c.delivered, 1);
  EXPECT_EQ(c.failed_attempts, 2);
  EXPECT_EQ(c.given_up, 1);
  EXPECT_EQ(s.outbox_size(), 0);
}

}  // namespace
