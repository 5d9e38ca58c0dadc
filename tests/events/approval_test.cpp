// Onboarding with operator approval against the real capif-ccf: the POST is answered 202, the operator
// runs `capif-ccf approve|reject`, and the invoker's callback gets the OnboardingNotification through the
// outbox (with a working certificate when approved).
#include "../integration/problem_expect.hpp"
#include "capif/crypto/pki.hpp"
#include "events_test_support.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

using namespace capif::testing;
namespace crypto = capif::crypto;

namespace {

std::vector<json> pending(const CcfProcess& ccf) {
  std::vector<json> out;
  std::istringstream lines(ccf.run_command("pending"));
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) out.push_back(json::parse(line));
  return out;
}

class Approval : public ::testing::Test {
 protected:
  void SetUp() override { start(); }
  void start(const std::string& extra = {}) {
    CcfOptions o;
    o.extra_yaml = "onboarding:\n  require_approval: true\n" + extra;
    ccf_ = std::make_unique<CcfProcess>(o);
    ccf_->start();
  }
  // An invoker onboarded with the operator's approval: its details (from the notification), key, client.
  struct Approved {
    json details;
    std::unique_ptr<capif::http::BlockingClient> client;
  };
  Approved approved_invoker() {
    auto [key, status] = request("alice");
    EXPECT_EQ(status, 202);
    const std::string id = pending(*ccf_).at(0)["pendingId"];
    ccf_->run_command("approve --id " + id);
    auto got = callback_.wait_for(1, kWait);
    EXPECT_EQ(got.size(), 1u);
    auto details = json::parse(got.at(0).body)["apiInvokerEnrolmentDetails"];
    const std::string cert = details["onboardingInformation"]["apiInvokerCertificate"];
    details["onboardingInformation"].erase("onboardingSecret");
    return {details, make_client(*ccf_, cert, key)};
  }
  // PATCHes the invoker's notificationDestination to `next`; returns the status.
  int patch_destination(Approved& inv, const std::string& url, CaptureServer& next) {
    auto r = send(*inv.client, "PATCH", url,
                  json{{"notificationDestination", callback_url(next.port(), "onboarding")}}.dump(),
                  "application/merge-patch+json");
    EXPECT_TRUE(r.body.empty()) << r.body;
    return r.status;
  }
  // POSTs an onboarding whose notificationDestination is the callback; returns the key and the status.
  std::pair<std::string, int> request(const std::string& info) {
    const auto key = crypto::generate_ec_key_pem();
    auto body = onboarding_body(crypto::make_csr_pem(key, "x"));
    body["notificationDestination"] = callback_url(callback_.port(), "onboarding");
    body["apiInvokerInformation"] = info;
    auto client = make_client(*ccf_);
    auto r = send_json(*client, "POST", invokers_url(*ccf_), body,
                       {{"Authorization", "Bearer " + ccf_->credential("invoker")}});
    EXPECT_TRUE(r.body.empty()) << r.body;
    return {key, r.status};
  }
  std::unique_ptr<CcfProcess> ccf_;
  CaptureServer callback_;
};

TEST_F(Approval, ApprovedInvokerGetsItsEnrolmentByNotification) {
  auto [key, status] = request("alice");
  ASSERT_EQ(status, 202);
  auto list = pending(*ccf_);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["apiInvokerInformation"], "alice");
  const std::string id = list[0]["pendingId"];
  int exit_status = -1;
  EXPECT_EQ(ccf_->run_command("approve --id " + id, &exit_status), "approved: " + id + "\n");
  EXPECT_EQ(exit_status, 0);

  auto got = callback_.wait_for(1, kWait);
  ASSERT_EQ(got.size(), 1u);
  auto note = json::parse(got[0].body);
  EXPECT_EQ(note["result"], true);
  const auto& details = note["apiInvokerEnrolmentDetails"];
  const std::string invoker_id = details["apiInvokerId"];
  EXPECT_EQ(note["resourceLocation"], invokers_url(*ccf_) + "/" + invoker_id);
  EXPECT_FALSE(details["onboardingInformation"]["onboardingSecret"].get<std::string>().empty());
  // The certificate works: the invoker may now manage its own onboarding over mutual TLS.
  const std::string cert = details["onboardingInformation"]["apiInvokerCertificate"];
  auto client = make_client(*ccf_, cert, key);
  EXPECT_EQ(send(*client, "DELETE", invokers_url(*ccf_) + "/" + invoker_id).status, 204);
  EXPECT_TRUE(pending(*ccf_).empty());
  ccf_->run_command("approve --id " + id, &exit_status);
  EXPECT_NE(exit_status, 0);  // already decided
}

TEST_F(Approval, RejectedInvokerIsToldSo) {
  auto [key, status] = request("mallory");
  ASSERT_EQ(status, 202);
  auto list = pending(*ccf_);
  ASSERT_EQ(list.size(), 1u);
  ccf_->run_command("reject --id " + std::string(list[0]["pendingId"]));
  auto got = callback_.wait_for(1, kWait);
  ASSERT_EQ(got.size(), 1u);
  auto note = json::parse(got[0].body);
  EXPECT_EQ(note["result"], false);
  EXPECT_FALSE(note.contains("apiInvokerEnrolmentDetails"));
}

TEST_F(Approval, BadCsrIsRefusedAtOnce) {
  auto body = onboarding_body("not a csr");
  auto client = make_client(*ccf_);
  EXPECT_PROBLEM(send_json(*client, "POST", invokers_url(*ccf_), body,
                           {{"Authorization", "Bearer " + ccf_->credential("invoker")}}),
                 400, "/onboardingInformation/apiInvokerPublicKey");
  EXPECT_TRUE(pending(*ccf_).empty());
}

// An update that changes what the operator approved (here apiInvokerInformation and the destination) waits
// for approval: 202, then applied on approve with an OnboardingNotification to the new destination.
TEST_F(Approval, AnUpdateOfApprovedDetailsWaitsForTheOperator) {
  auto inv = approved_invoker();
  const std::string id = inv.details["apiInvokerId"];
  const std::string url = invokers_url(*ccf_) + "/" + id;
  CaptureServer next;
  auto changed = inv.details;
  changed["apiInvokerInformation"] = "alice, now with a new callback";
  changed["notificationDestination"] = callback_url(next.port(), "onboarding");
  auto r = send_json(*inv.client, "PUT", url, changed);
  ASSERT_EQ(r.status, 202) << r.body;
  auto list = pending(*ccf_);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["apiInvokerId"], id);
  // Not applied yet: the same details as before are no change (200 at once, the old information).
  r = send_json(*inv.client, "PUT", url, inv.details);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r)["apiInvokerInformation"], "alice");

  ccf_->run_command("approve --id " + std::string(list[0]["pendingId"]));
  auto got = next.wait_for(1, kWait);
  ASSERT_EQ(got.size(), 1u);
  auto note = json::parse(got[0].body);
  EXPECT_EQ(note["result"], true);
  EXPECT_EQ(note["resourceLocation"], url);
  EXPECT_EQ(note["apiInvokerEnrolmentDetails"]["apiInvokerInformation"], "alice, now with a new callback");
  // Applied: PATCHing only the key material (nothing the operator approves) is answered at once.
  r = send(*inv.client, "PATCH", url,
           json{{"onboardingInformation", inv.details["onboardingInformation"]}}.dump(),
           "application/merge-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r)["apiInvokerInformation"], "alice, now with a new callback");
  EXPECT_EQ(callback_.wait_for(2, std::chrono::milliseconds(200)).size(), 1u);  // only the onboarding's
}

TEST_F(Approval, ARejectedUpdateIsNotAppliedAndTheInvokerIsToldWhereItWasListening) {
  auto inv = approved_invoker();
  const std::string url = invokers_url(*ccf_) + "/" + std::string(inv.details["apiInvokerId"]);
  CaptureServer next;
  ASSERT_EQ(patch_destination(inv, url, next), 202);
  ccf_->run_command("reject --id " + std::string(pending(*ccf_).at(0)["pendingId"]));
  auto got = callback_.wait_for(2, kWait);  // the onboarding's, then the rejection
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(json::parse(got[1].body)["result"], false);
  EXPECT_TRUE(next.wait_for(1, std::chrono::milliseconds(300)).empty());
  auto r = send_json(*inv.client, "PUT", url, inv.details);  // still the approved details: no change, 200
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r)["notificationDestination"], inv.details["notificationDestination"]);
}

// The approval applies what the update asked for onto the record as it is then: a certificate renewed
// while the update waited (no approval needed for that) stays.
TEST_F(Approval, AnApprovedUpdateKeepsACertificateRenewedWhileItWaited) {
  auto inv = approved_invoker();
  const std::string url = invokers_url(*ccf_) + "/" + std::string(inv.details["apiInvokerId"]);
  auto r = send(*inv.client, "PATCH", url, json{{"apiInvokerInformation", "alice v2"}}.dump(),
                "application/merge-patch+json");
  ASSERT_EQ(r.status, 202) << r.body;
  const auto key = crypto::generate_ec_key_pem();
  auto renewed = inv.details;
  renewed["onboardingInformation"] = {{"apiInvokerPublicKey", crypto::make_csr_pem(key, "x")}};
  r = send_json(*inv.client, "PUT", url, renewed);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string cert = body_json(r)["onboardingInformation"]["apiInvokerCertificate"];
  ccf_->run_command("approve --id " + std::string(pending(*ccf_).at(0)["pendingId"]));
  auto got = callback_.wait_for(2, kWait);
  ASSERT_EQ(got.size(), 2u);
  auto note = json::parse(got[1].body);
  EXPECT_EQ(note["result"], true);
  EXPECT_EQ(note["apiInvokerEnrolmentDetails"]["apiInvokerInformation"], "alice v2");
  EXPECT_EQ(note["apiInvokerEnrolmentDetails"]["onboardingInformation"]["apiInvokerCertificate"], cert);
  auto client = make_client(*ccf_, cert, key);  // the renewed certificate still works
  r = send_json(*client, "PUT", url, note["apiInvokerEnrolmentDetails"]);
  EXPECT_EQ(r.status, 200) << r.body;
}

// A newer update replaces the undecided older one: one request per invoker waits.
TEST_F(Approval, ANewerUpdateReplacesTheWaitingOne) {
  auto inv = approved_invoker();
  const std::string url = invokers_url(*ccf_) + "/" + std::string(inv.details["apiInvokerId"]);
  for (const char* info : {"first", "second"})
    ASSERT_EQ(send(*inv.client, "PATCH", url, json{{"apiInvokerInformation", info}}.dump(),
                   "application/merge-patch+json")
                  .status,
              202);
  auto list = pending(*ccf_);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["apiInvokerInformation"], "second");
}

// A new onboarding nobody decided in time is removed without calling its notificationDestination, which the
// operator never approved.
TEST_F(Approval, AnOnboardingNobodyDecidesExpiresWithoutACall) {
  start("  pending_ttl_s: 1\n");
  auto [key, status] = request("bob");
  ASSERT_EQ(status, 202);
  ASSERT_EQ(pending(*ccf_).size(), 1u);
  for (int i = 0; i < 50 && !pending(*ccf_).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(pending(*ccf_).empty());
  EXPECT_TRUE(callback_.wait_for(1, std::chrono::milliseconds(500)).empty());
}

// An update nobody decided in time is rejected: {result: false} to the destination the invoker has.
TEST_F(Approval, AnUpdateNobodyDecidesExpiresAsARejectionToTheApprovedDestination) {
  start("  pending_ttl_s: 2\n");
  auto inv = approved_invoker();
  const std::string url = invokers_url(*ccf_) + "/" + std::string(inv.details["apiInvokerId"]);
  CaptureServer next;
  ASSERT_EQ(patch_destination(inv, url, next), 202);
  auto got = callback_.wait_for(2, kWait);  // the onboarding's, then the expiry
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(json::parse(got[1].body)["result"], false);
  EXPECT_TRUE(next.wait_for(1, std::chrono::milliseconds(300)).empty());
  EXPECT_TRUE(pending(*ccf_).empty());
}

}  // namespace
