// Writes of CcfStore that apply onto what a request read: interleaved deterministically, a write that lost
// the race changes nothing (an offboarded invoker is not brought back, a concurrent change not overwritten).
#include "ccf_store_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

using namespace capif;
using namespace capif::ccf;
using namespace capif::ccf::store_test;

namespace {

PendingOnboarding pending_update(const std::string& pending_id, const std::string& invoker_id) {
  PendingOnboarding p;
  p.pending_id = pending_id;
  p.details.apiInvokerId = invoker_id;
  p.details.notificationDestination = "https://127.0.0.1/new";
  p.details.onboardingInformation.apiInvokerPublicKey = "csr";
  p.created_at_ms = unix_now_ms();
  return p;
}

TEST(StoreWrites, AnInvokerUpdateDoesNotBringBackAnInvokerOffboardedMeanwhile) {
  TempDb t;
  CcfStore s(t.file());
  s.put_invoker(invoker("INV1"));
  const auto read = *s.invoker("INV1");  // what the approval (or a PUT) read
  s.add_pending_onboarding(pending_update("ONB1", "INV1"));
  s.delete_invoker("INV1");
  auto next = read;
  next.details.notificationDestination = "https://127.0.0.1/new";
  next.cert_fingerprint = "fp-renewed";
  EXPECT_FALSE(s.update_invoker(read, next, {}, std::string("ONB1")));
  EXPECT_FALSE(s.invoker("INV1"));
  EXPECT_FALSE(s.principal_for("fp-renewed"));
  EXPECT_FALSE(s.principal_for("fp-INV1"));
}

TEST(StoreWrites, AnInvokerUpdateDoesNotOverwriteAChangeMadeMeanwhile) {
  TempDb t;
  {
    CcfStore s(t.file());
    s.put_invoker(invoker("INV1"));
  }
  CcfStore s(t.file());  // what was read back from the database applies as well
  const auto read = *s.invoker("INV1");
  auto put = read;
  put.details.apiInvokerInformation = "by a PUT";
  ASSERT_TRUE(s.update_invoker(read, put));
  auto stale = read;
  stale.details.apiInvokerInformation = "by a stale approval";
  EXPECT_FALSE(s.update_invoker(read, stale));
  EXPECT_EQ(s.invoker("INV1")->details.apiInvokerInformation, "by a PUT");
}

// One pending update per invoker: a newer one replaces an undecided older one; offboarding removes them.
TEST(StoreWrites, ANewerUpdateReplacesTheUndecidedOneAndOffboardingRemovesThem) {
  TempDb t;
  CcfStore s(t.file());
  s.put_invoker(invoker("INV1"));
  s.put_invoker(invoker("INV2"));
  PendingOnboarding onboarding = pending_update("ONB0", "");
  onboarding.details.apiInvokerId.reset();
  EXPECT_EQ(s.add_pending_onboarding(onboarding), 0);
  EXPECT_EQ(s.add_pending_onboarding(pending_update("ONB1", "INV1")), 0);
  EXPECT_EQ(s.add_pending_onboarding(pending_update("ONB2", "INV2")), 0);
  EXPECT_EQ(s.add_pending_onboarding(pending_update("ONB3", "INV1")), 1);
  auto ids = [&] {
    std::vector<std::string> out;
    for (const auto& p : s.pending_onboardings()) out.push_back(p.pending_id);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(ids(), (std::vector<std::string>{"ONB0", "ONB2", "ONB3"}));
  // A decided one is the operator's: it is closed by the daemon, not replaced.
  ASSERT_TRUE(s.decide_onboarding("ONB3", true));
  EXPECT_EQ(s.add_pending_onboarding(pending_update("ONB4", "INV1")), 0);
  s.delete_invoker("INV1");
  EXPECT_EQ(ids(), (std::vector<std::string>{"ONB0", "ONB2"}));
}

EventSubscriptionRecord amf_subscription(CcfStore& s, std::int64_t max_reports) {
  add_provider(s, "DOM1", {"AMF1"});
  auto sub = subscription("S1", "AMF1", {"API_INVOKER_ONBOARDED"});
  sub.sub.eventReq = model::ReportingInformation{};
  if (max_reports > 0) sub.sub.eventReq->maxReportNbr = max_reports;
  return sub;
}

// PUT/PATCH of a subscription write onto the stored one: its report count stays, an ended or deleted one
// is not brought back.
TEST(StoreWrites, ASubscriptionUpdateKeepsTheCountAndDoesNotBringBackAnEndedOne) {
  TempDb t;
  CcfStore s(t.file());
  const auto read = s.put_subscription(amf_subscription(s, 2));  // what a PUT read
  s.put_invoker(invoker("INV1"), {{onboarded("INV1")}, {}});
  auto stored = s.update_subscription("AMF1", "S1", read.sub);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->reports, 1);
  EXPECT_EQ(s.subscription("S1")->reports, 1);
  EXPECT_FALSE(s.update_subscription("AMF2", "S1", read.sub));  // not the subscriber's
  s.put_invoker(invoker("INV2"), {{onboarded("INV2")}, {}});    // the second report ends it
  ASSERT_FALSE(s.subscription("S1"));
  EXPECT_FALSE(s.update_subscription("AMF1", "S1", read.sub));
  EXPECT_FALSE(s.subscription("S1"));
  EXPECT_EQ(s.subscription_count(), 0u);
  s.put_subscription(subscription("S2", "AMF1", {"API_INVOKER_ONBOARDED"}));
  s.delete_subscription("S2");
  EXPECT_FALSE(s.update_subscription("AMF1", "S2", read.sub));
  EXPECT_EQ(s.subscription_count(), 0u);
}

// Immediate reports read the state under the write lock: a change committed meanwhile waits and is then
// fanned out to the new subscription, so it gets every invoker exactly once. They and the test notification
// are not held for a reporting period.
TEST(StoreWrites, ImmediateReportsMissNothingAndAreNotHeldForThePeriod) {
  TempDb t;
  CcfStore s(t.file());
  s.put_invoker(invoker("INV1"));
  auto sub = amf_subscription(s, 0);
  sub.created_at_ms = unix_now_ms();
  sub.sub.supportedFeatures = "7";  // eventDetail is sent (Enhanced_event_report)
  sub.sub.requestTestNotification = true;
  sub.sub.eventReq->immRep = true;
  sub.sub.eventReq->notifMethod = "PERIODIC";
  sub.sub.eventReq->repPeriod = 3600;
  std::atomic<bool> written{false};
  std::thread writer;
  const auto before = unix_now_ms();
  s.put_subscription(sub, [&](const std::string&) {
    writer = std::thread([&] {
      s.put_invoker(invoker("INV2"), {{onboarded("INV2")}, {}});
      written = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(written);  // held by the write lock
    std::vector<EventOccurrence> state;
    for (const auto& id : s.invoker_ids()) state.push_back(onboarded(id));
    return state;
  });
  writer.join();
  const auto batch = s.outbox_batch("sub:S1", 0, 10);
  ASSERT_EQ(batch.size(), 3u);  // the test notification, INV1 at once, INV2 at the next period
  EXPECT_FALSE(nlohmann::json::parse(batch[0].body).contains("eventDetail"));
  EXPECT_EQ(nlohmann::json::parse(batch[1].body)["eventDetail"]["apiInvokerIds"][0], "INV1");
  EXPECT_EQ(nlohmann::json::parse(batch[2].body)["eventDetail"]["apiInvokerIds"][0], "INV2");
  EXPECT_LE(batch[0].not_before_ms, unix_now_ms());
  EXPECT_LE(batch[1].not_before_ms, unix_now_ms());
  EXPECT_GE(batch[2].not_before_ms, before + 3600 * 1000 - 1000);
}

// Reports of a subscription that already ended (its row gone) still leave with their subscriber.
TEST(StoreWrites, ReportsOfAnEndedSubscriptionLeaveWithTheSubscriber) {
  TempDb t;
  CcfStore s(t.file());
  s.put_invoker(invoker("INV1"));
  auto sub = subscription("S1", "INV1", {"API_INVOKER_UPDATED"});
  sub.sub.eventReq = model::ReportingInformation{};
  sub.sub.eventReq->maxReportNbr = 1;
  s.put_subscription(sub);
  auto updated = onboarded("INV1");
  updated.event = "API_INVOKER_UPDATED";
  s.put_invoker(invoker("INV1"), {{updated}, {}});
  ASSERT_FALSE(s.subscription("S1"));
  ASSERT_EQ(s.outbox_size(), 1);
  s.delete_invoker("INV1");
  EXPECT_EQ(s.outbox_size(), 0);
}

// The monDur end times follow updates and deletions.
TEST(StoreWrites, MonitoringEndsFollowUpdatesAndDeletions) {
  TempDb t;
  CcfStore s(t.file());
  auto sub = amf_subscription(s, 0);
  sub.sub.eventReq->monDur = "2100-01-01T00:00:00Z";
  s.put_subscription(sub);
  auto later = sub.sub;
  later.eventReq->monDur = "2200-01-01T00:00:00Z";
  ASSERT_TRUE(s.update_subscription("AMF1", "S1", later));
  const auto after_2100 = std::int64_t{4102444800} * 1000 + 1;
  EXPECT_TRUE(s.end_expired_subscriptions(after_2100).empty());
  EXPECT_TRUE(s.subscription("S1"));
  auto other = subscription("S2", "AMF1", {"API_INVOKER_ONBOARDED"});
  other.sub.eventReq = sub.sub.eventReq;
  s.put_subscription(other);
  s.delete_subscription("S2");
  EXPECT_TRUE(s.end_expired_subscriptions(after_2100).empty());
  EXPECT_EQ(s.end_expired_subscriptions(std::int64_t{7258118400} * 1000), std::vector<std::string>{"S1"});
}

}  // namespace
