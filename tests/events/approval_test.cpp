// Onboarding with operator approval against the real capif-ccf: the POST is answered 202, the operator
// runs `capif-ccf approve|reject`, and the invoker's callback gets the OnboardingNotification through the
// outbox (with a working certificate when approved).
#include "../integration/problem_expect.hpp"
#include "capif/crypto/pki.hpp"
#include "events_test_support.hpp"

#include <gtest/gtest.h>

#include <sstream>

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
  void SetUp() override {
    CcfOptions o;
    o.extra_yaml = "onboarding:\n  require_approval: true\n";
    ccf_ = std::make_unique<CcfProcess>(o);
    ccf_->start();
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

}  // namespace
