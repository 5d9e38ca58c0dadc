// Writes of CcfStore that apply onto what a request read: interleaved deterministically, a write that lost
// the race changes nothing (an offboarded invoker is not brought back, a concurrent change not overwritten).
#include "ccf_store_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>

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

}  // namespace
