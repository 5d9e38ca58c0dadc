// Each CAPIF-2e security method end to end with the real executables: capif-ccf, capif-aef (built-in
// demo API) and the capif-invoker CLI.
#include "capif_daemons.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace capif::testing;

namespace {
class SecurityMethods : public ::testing::Test {
 protected:
  void SetUp() override {
    ccf.start();
    aef = std::make_unique<AefProcess>(ccf);
    aef->start();
    auto r = inv.onboard();
    ASSERT_EQ(r.status, 0) << r.raw;
    r = inv.run("discover", "--api-name weather");
    ASSERT_EQ(r.status, 0) << r.raw;
  }

  // Negotiates `method` and calls the demo API through the gateway.
  InvokerCli::Result negotiate_and_call(const std::string& method, const std::string& extra = {}) {
    auto r = inv.run("security", "--aef-id " + aef->aef_id() + " --methods " + method + " " + extra);
    EXPECT_EQ(r.status, 0) << r.raw;
    return inv.run("call", "--api-name weather --path /hello");
  }

  CcfProcess ccf;
  std::unique_ptr<AefProcess> aef;
  InvokerCli inv{ccf};
};
}  // namespace

TEST_F(SecurityMethods, Pki) {
  auto r = negotiate_and_call("PKI");
  ASSERT_EQ(r.status, 0) << r.raw;
  EXPECT_EQ(r.out["status"], 200) << r.raw;
  EXPECT_EQ(r.out["securityMethod"], "PKI");
  EXPECT_NE(r.out.dump().find(inv.invoker_id()), std::string::npos) << r.raw;
}

TEST_F(SecurityMethods, OAuth) {
  auto r = negotiate_and_call("OAUTH");
  ASSERT_EQ(r.status, 0) << r.raw;
  EXPECT_EQ(r.out["status"], 200) << r.raw;
  EXPECT_EQ(r.out["securityMethod"], "OAUTH");
}

TEST_F(SecurityMethods, PskWithTls13Derivation) {
  auto r = negotiate_and_call("PSK");
  ASSERT_EQ(r.status, 0) << r.raw;
  EXPECT_EQ(r.out["status"], 200) << r.raw;
  EXPECT_EQ(r.out["securityMethod"], "PSK");
}

TEST_F(SecurityMethods, PskWithStandardTls12Derivation) {
  auto r = negotiate_and_call("PSK", "--tls12");
  ASSERT_EQ(r.status, 0) << r.raw;
  EXPECT_EQ(r.out["status"], 200) << r.raw;
  EXPECT_EQ(r.out["securityMethod"], "PSK");
}

// TS 33.122 6.7: an invoker that renegotiates another method with the same AEF is served with the new
// one at once (the AEF notices its cached method is stale and asks the CCF again), and back.
TEST_F(SecurityMethods, RenegotiatingAnotherMethodWithTheSameAefWorks) {
  auto r = negotiate_and_call("PKI");
  ASSERT_EQ(r.out["status"], 200) << r.raw;
  r = inv.run("security", "--aef-id " + aef->aef_id() + " --methods OAUTH");
  ASSERT_EQ(r.status, 0) << r.raw;
  r = inv.run("token", "--scope '3gpp#" + aef->aef_id() + ":weather'");
  ASSERT_EQ(r.status, 0) << r.raw;
  r = inv.run("call", "--api-name weather --path /hello");
  EXPECT_EQ(r.out["status"], 200) << r.raw;
  EXPECT_EQ(r.out["securityMethod"], "OAUTH") << r.raw;
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // past the AEF's refetch pacing
  r = negotiate_and_call("PKI");
  EXPECT_EQ(r.out["status"], 200) << r.raw;
  EXPECT_EQ(r.out["securityMethod"], "PKI") << r.raw;
}
