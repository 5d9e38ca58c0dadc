// CAPIF-6/6e end to end with the real executables: two capif-ccf (CCF-A, CCF-B), a capif-aef registered
// at CCF-B whose API is shareable, and capif-invoker (CLI and sidecar) onboarded at CCF-A only. The
// invoker reaches the remote AEF by PSK, PKI and OAuth; an offboarded invoker and a token CCF-A signed
// itself are refused there.
#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"
#include "capif/crypto/jwt.hpp"
#include "capif/crypto/pki.hpp"
#include "capif/http/client.hpp"
#include "capif_daemons.hpp"
#include "ccf_peers.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace capif;
using namespace capif::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class CrossCcf : public ::testing::Test {
 protected:
  void SetUp() override {
    start_linked_pair(a, b);
    aef = std::make_unique<AefProcess>(
        b, AefOptions{.apis = {{.name = "weather", .prefix = "/weather", .shareable = true}}});
    aef->start();
  }

  // An invoker onboarded at CCF-A that discovered the weather API CCF-B shared.
  std::unique_ptr<InvokerCli> invoker() {
    auto inv = std::make_unique<InvokerCli>(a);
    auto r = inv->onboard();
    EXPECT_EQ(r.status, 0) << r.raw;
    for (int i = 0; i < 100; ++i) {
      r = inv->run("discover", "--api-name weather");
      if (r.status == 0 && r.raw.find("ccf-b") != std::string::npos) return inv;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "CCF-A never showed CCF-B's weather API: " << r.raw;
    return inv;
  }

  InvokerCli::Result negotiate_and_call(const InvokerCli& inv, const std::string& method,
                                        const std::string& extra = {}) {
    auto r = inv.run("security", "--aef-id " + aef->aef_id() + " --methods " + method + " " + extra);
    EXPECT_EQ(r.status, 0) << r.raw;
    EXPECT_NE(r.raw.find("\"designatedCcfId\""), std::string::npos) << r.raw;
    if (method == "OAUTH") {
      auto t = inv.run("token", "--scope '3gpp#" + aef->aef_id() + ":weather'");
      EXPECT_EQ(t.status, 0) << t.raw;
    }
    return inv.run("call", "--api-name weather --path /hello");
  }

  // HTTPS straight to the AEF, trusting CCF-B's CA (the AEF's certificate is CCF-B's).
  http::ClientResponse call_aef_with_token(const std::string& token) {
    http::ClientConfig cfg;
    cfg.ca_pem = b.ca_pem();
    cfg.expected_server_cn = aef->aef_id();
    http::BlockingClient c(cfg);
    http::ClientRequest req;
    req.url = aef->base_url() + "/weather/hello";
    req.headers.push_back({"Authorization", "Bearer " + token});
    return c.request(std::move(req));
  }

  CcfProcess a{{"ccf-a"}}, b{{"ccf-b"}};
  std::unique_ptr<AefProcess> aef;
};

class CrossCcfMethod : public CrossCcf, public ::testing::WithParamInterface<std::string> {};

}  // namespace

TEST_P(CrossCcfMethod, CliReachesTheRemoteAef) {
  auto inv = invoker();
  auto r = negotiate_and_call(*inv, GetParam());
  ASSERT_EQ(r.status, 0) << r.raw;
  EXPECT_EQ(r.out["status"], 200) << r.raw;
  EXPECT_EQ(r.out["securityMethod"], GetParam()) << r.raw;
  EXPECT_NE(r.out.dump().find(inv->invoker_id()), std::string::npos) << r.raw;
}

TEST_P(CrossCcfMethod, SidecarReachesTheRemoteAef) {
  SidecarProcess s(a, {.apis = {{"weather", {GetParam()}, ""}}});
  try {
    s.start();
  } catch (const std::exception& e) {
    FAIL() << e.what() << "\n" << s.log();
  }
  http::ClientConfig cfg;
  cfg.ca_pem = a.ca_pem();
  cfg.allow_plain_http = true;
  http::BlockingClient local(cfg);
  for (int i = 0; i < 3; ++i) {
    http::ClientRequest req;
    req.url = s.url("weather", "/hello");
    auto r = local.request(std::move(req));
    ASSERT_TRUE(r.ok()) << r.error << "\n" << s.log();
    ASSERT_EQ(r.status, 200) << r.body << "\n" << s.log();
    auto j = json::parse(r.body, nullptr, false);
    EXPECT_EQ(j.value("method", ""), GetParam()) << r.body;
    EXPECT_EQ(j.value("hello", ""), s.summary().value("apiInvokerId", "?")) << r.body;
  }
}

INSTANTIATE_TEST_SUITE_P(AllMethods, CrossCcfMethod, ::testing::Values("PSK", "PKI", "OAUTH"),
                         [](const auto& info) { return info.param; });

TEST_F(CrossCcf, PskWithTheStandardTls12Derivation) {
  auto inv = invoker();
  auto r = negotiate_and_call(*inv, "PSK", "--tls12");
  ASSERT_EQ(r.status, 0) << r.raw;
  EXPECT_EQ(r.out["status"], 200) << r.raw;
}

// After offboarding at CCF-A, the remote AEF refuses the invoker by every method: CCF-A told CCF-B,
// which told its AEF. The calls use a copy of the state directory taken while everything worked.
TEST_F(CrossCcf, OffboardedInvokerIsRefusedAtTheRemoteAefByEveryMethod) {
  std::vector<std::pair<std::unique_ptr<InvokerCli>, std::string>> invokers;
  for (const std::string method : {"PSK", "PKI", "OAUTH"}) {
    auto inv = invoker();
    auto r = negotiate_and_call(*inv, method);
    ASSERT_EQ(r.out["status"], 200) << method << ": " << r.raw;
    invokers.emplace_back(std::move(inv), method);
  }
  std::vector<fs::path> copies;
  for (auto& [inv, method] : invokers) {
    const fs::path copy = inv->state().string() + "-copy";
    fs::copy(inv->state(), copy, fs::copy_options::recursive);
    copies.push_back(copy);
    auto r = inv->run("offboard");
    ASSERT_EQ(r.status, 0) << r.raw;
  }
  for (std::size_t i = 0; i < invokers.size(); ++i) {
    const auto& method = invokers[i].second;
    InvokerCli stale(a, copies[i]);
    bool refused = false;
    InvokerCli::Result r;
    for (int k = 0; k < 50 && !refused; ++k) {
      r = stale.run("call", "--api-name weather --path /hello");
      refused = r.out.value("status", 0) != 200;
      if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(refused) << method << " still works after offboarding: " << r.raw;
    // The AEF answers: 404 to check-authentication (CCF-B dropped the context), 401 to the revoked token.
    const auto answer = r.out.empty() ? json::parse(r.raw, nullptr, false) : r.out;
    const int status = answer.is_object() ? answer.value("status", 0) : 0;
    EXPECT_TRUE(status == 404 || status == 401) << method << ": " << r.raw;
  }
  // Straight to the AEF with the credentials of the copies, skipping check-authentication: the AEF itself
  // dropped the AEFPSK and the PKI authorization when CCF-B told it.
  const auto psk_state = json::parse(crypto::read_file(copies[0] / "aefpsk.json"));
  http::ClientConfig psk;
  psk.ca_pem = b.ca_pem();
  psk.psk_identity = json::parse(crypto::read_file(copies[0] / "invoker.json")).at("apiInvokerId");
  psk.psk_key = crypto::base64_decode(psk_state.at(aef->aef_id()).at("key").get<std::string>());
  http::ClientConfig pki;
  pki.ca_pem = b.ca_pem();
  pki.expected_server_cn = aef->aef_id();
  pki.client_cert_pem = crypto::read_file(copies[1] / "invoker.crt");
  pki.client_key_pem = crypto::read_file(copies[1] / "invoker.key");
  for (auto* cfg : {&psk, &pki}) {
    http::BlockingClient c(*cfg);
    http::ClientRequest req;
    req.url = aef->base_url() + "/weather/hello";
    auto r = c.request(std::move(req));
    EXPECT_TRUE(!r.ok() || r.status == 401) << (cfg == &psk ? "PSK " : "PKI ") << r.status << " " << r.body;
  }
}

// The revocation for the peer goes through CCF-A's outbox: CCF-B is down when the invoker offboards at
// CCF-A, CCF-A restarts meanwhile, and once CCF-B is back it learns of it and its AEF refuses the invoker.
TEST_F(CrossCcf, OffboardingReachesAPeerThatWasDownAcrossARestartOfCcfA) {
  auto inv = invoker();
  auto r = negotiate_and_call(*inv, "PKI");
  ASSERT_EQ(r.out["status"], 200) << r.raw;
  const fs::path copy = inv->state().string() + "-copy";
  fs::copy(inv->state(), copy, fs::copy_options::recursive);
  a.append_config("notifications:\n  retry_initial_ms: 100\n  retry_max_ms: 300\n");  // read at the restart

  ASSERT_EQ(b.terminate(), 0);
  r = inv->run("offboard");  // CCF-B down: nothing to wait for, the revocation is in CCF-A's outbox
  ASSERT_EQ(r.status, 0) << r.raw;
  ASSERT_EQ(a.terminate(), 0);
  a.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // CCF-A retries against the dead CCF-B
  b.start();

  InvokerCli stale(a, copy);
  bool refused = false;
  for (int k = 0; k < 100 && !refused; ++k) {
    r = stale.run("call", "--api-name weather --path /hello");
    refused = r.out.value("status", 0) != 200;
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(refused) << "the remote AEF still serves the offboarded invoker: " << r.raw;
  const auto answer = r.out.empty() ? json::parse(r.raw, nullptr, false) : r.out;
  const int status = answer.is_object() ? answer.value("status", 0) : 0;
  EXPECT_TRUE(status == 404 || status == 401) << r.raw;
  int grep_status = 0;
  const auto delivered =
      run_capture("grep -c 'PeerRevocation' " + (a.dir() / "ccf.log").string() + " || true", &grep_status);
  EXPECT_GE(std::stoi(delivered), 1) << "CCF-A never tried CCF-B while it was down";
}

// CCF-A's own signing key does not make a token CCF-B's AEF accepts: only CCF-B issues for its AEFs.
TEST_F(CrossCcf, ATokenForgedByCcfAIsRefusedByTheRemoteAef) {
  auto inv = invoker();
  auto r = negotiate_and_call(*inv, "OAUTH");
  ASSERT_EQ(r.out["status"], 200) << r.raw;  // control: the token CCF-B issued via CCF-A works

  const auto key_a = crypto::read_file(a.dir() / "data" / "token-signing.key");
  const auto kid_a = crypto::sha256_hex(crypto::public_key_pem(key_a)).substr(0, 16);
  const json claims{{"iss", inv->invoker_id()},         {"sub", inv->invoker_id()},
                    {"client_id", inv->invoker_id()},   {"aud", json::array({aef->aef_id()})},
                    {"scope", "3gpp#" + aef->aef_id() + ":weather"},
                    {"iat", now_s()},                   {"exp", now_s() + 300},
                    {"jti", "forged"},                  {"ccf_id", "ccf-a"}};
  auto forged = call_aef_with_token(crypto::jws_sign_es256(claims, key_a, kid_a));
  ASSERT_TRUE(forged.ok()) << forged.error;
  EXPECT_EQ(forged.status, 401) << forged.body;
}
