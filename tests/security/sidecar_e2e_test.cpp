// The capif-invoker sidecar (`capif-invoker run --config FILE`) end to end with the real executables:
// capif-ccf, capif-aef (built-in demo API) and the sidecar; the test is a plain-HTTP local caller.
#include "capif/crypto/files.hpp"
#include "capif/http/client.hpp"
#include "capif_daemons.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

using namespace capif::testing;
using capif::http::BlockingClient;
using capif::http::ClientConfig;
using capif::http::ClientRequest;
using capif::http::ClientResponse;
using nlohmann::json;

namespace {

std::unique_ptr<BlockingClient> local_client(const CcfProcess& ccf) {
  ClientConfig c;
  c.ca_pem = ccf.ca_pem();  // required by the client even though the sidecar's port is plain HTTP
  c.allow_plain_http = true;
  return std::make_unique<BlockingClient>(c);
}

ClientResponse get(BlockingClient& client, const std::string& url) {
  ClientRequest r;
  r.url = url;
  return client.request(std::move(r));
}

// TCP sockets of this machine with `port` at either end, listening sockets excepted (/proc/net/tcp):
// a connection per request leaves a TIME_WAIT socket per request behind.
int sockets_on_port(std::uint16_t port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // header
  int n = 0;
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string sl, local, remote, state;
    ss >> sl >> local >> remote >> state;
    if (state == "0A") continue;  // LISTEN
    auto port_of = [](const std::string& a) { return std::stoul(a.substr(a.find(':') + 1), nullptr, 16); };
    if (port_of(local) == port || port_of(remote) == port) ++n;
  }
  return n;
}

std::int64_t latest_token_expiry(const std::filesystem::path& state) {
  std::int64_t best = 0;
  for (const auto& t : json::parse(capif::crypto::read_file(state / "tokens.json")))
    best = std::max<std::int64_t>(best, t.value("expires_at", std::int64_t{0}));
  return best;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Sidecar : public ::testing::Test {
 protected:
  void start(CcfOptions ccf_options = {}, AefOptions aef_options = {}) {
    ccf = std::make_unique<CcfProcess>(std::move(ccf_options));
    ccf->start();
    aef = std::make_unique<AefProcess>(*ccf, std::move(aef_options));
    aef->start();
  }
  std::unique_ptr<SidecarProcess> sidecar(SidecarOptions options = {}) {
    auto s = std::make_unique<SidecarProcess>(*ccf, std::move(options));
    try {
      s->start();
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what() << "\n" << s->log();
      throw;
    }
    return s;
  }
  // GET /weather/hello through the sidecar: 200 from the demo API, naming the invoker and the method.
  void expect_hello(BlockingClient& client, const SidecarProcess& s, const std::string& method) {
    auto r = get(client, s.url("weather", "/hello"));
    ASSERT_TRUE(r.ok()) << r.error << "\n" << s.log();
    ASSERT_EQ(r.status, 200) << r.body << "\n" << s.log();
    auto j = json::parse(r.body, nullptr, false);
    EXPECT_EQ(j.value("method", ""), method) << r.body;
    EXPECT_EQ(j.value("hello", ""), s.summary().value("apiInvokerId", "?")) << r.body;
    EXPECT_EQ(j.value("api", ""), "weather") << r.body;
  }

  std::unique_ptr<CcfProcess> ccf;
  std::unique_ptr<AefProcess> aef;
};

class SidecarMethod : public Sidecar, public ::testing::WithParamInterface<std::string> {};

}  // namespace

// Each method: the sidecar onboards, discovers, negotiates the method and forwards to the AEF with it.
TEST_P(SidecarMethod, ReachesTheAefDemoApi) {
  start();
  auto s = sidecar({.apis = {{"weather", {GetParam()}}}});
  auto summary = s->summary();
  ASSERT_EQ(summary["apis"].size(), 1u) << s->log();
  EXPECT_EQ(summary["apis"][0]["securityMethod"], GetParam());
  EXPECT_EQ(summary["apis"][0]["aefId"], aef->aef_id());
  auto client = local_client(*ccf);
  expect_hello(*client, *s, GetParam());
  // An unknown API name is the sidecar's own 404, not a forwarded call.
  auto r = get(*client, s->url("other", "/hello"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 404);
}

INSTANTIATE_TEST_SUITE_P(AllMethods, SidecarMethod, ::testing::Values("PSK", "PKI", "OAUTH"),
                         [](const auto& info) { return info.param; });

// Many calls through the sidecar reuse its keep-alive connection(s) to the AEF: without reuse every call
// would leave one more socket (TIME_WAIT) with the AEF's port behind.
TEST_F(Sidecar, KeepAliveConnectionsToTheAef) {
  start();
  for (const std::string method : {"PKI", "PSK", "OAUTH"}) {
    SCOPED_TRACE(method);
    auto s = sidecar({.apis = {{"weather", {method}}}});
    auto client = local_client(*ccf);
    expect_hello(*client, *s, method);
    const int before = sockets_on_port(aef->port());
    ASSERT_GE(before, 2) << "the sidecar's open connection to the AEF is not visible in /proc/net/tcp";
    constexpr int kCalls = 60;
    for (int i = 0; i < kCalls; ++i) {
      auto r = get(*client, s->url("weather", "/hello"));
      ASSERT_TRUE(r.ok()) << r.error;
      ASSERT_EQ(r.status, 200) << r.body;
    }
    const int after = sockets_on_port(aef->port());
    EXPECT_LE(after - before, 2) << kCalls << " calls opened " << (after - before) << " sockets to the AEF";
    s->terminate();
  }
}

// The CCF's shortest token lifetime (10 s) and an AEF without clock-skew leeway: calls past the first
// token's expiry succeed only because the sidecar renewed the token token_refresh_margin_s before.
TEST_F(Sidecar, RefreshesTheAccessTokenBeforeItExpires) {
  start({.extra_yaml = "security:\n  token_ttl_s: 10\n"}, {.extra_yaml = "security:\n  token_leeway_s: 0\n"});
  auto s = sidecar({.apis = {{"weather", {"OAUTH"}}}, .token_refresh_margin_s = 7});
  const auto first_expiry = latest_token_expiry(s->state_dir());
  ASSERT_GT(first_expiry, unix_now());
  ASSERT_LE(first_expiry, unix_now() + 10);
  auto client = local_client(*ccf);
  int calls = 0;
  while (unix_now() <= first_expiry + 1) {
    auto r = get(*client, s->url("weather", "/hello"));
    ASSERT_TRUE(r.ok()) << r.error;
    ASSERT_EQ(r.status, 200) << "call " << calls << " at t=" << unix_now() << " (first token expires at "
                             << first_expiry << "): " << r.body << "\n"
                             << s->log();
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_GT(calls, 20);
  EXPECT_GT(latest_token_expiry(s->state_dir()), first_expiry);
}

// TS 33.122 6.7: the AEF answers 401 cause SECURITY_METHOD_INVALID because the method the sidecar uses
// is no longer the one the CCF holds for it; the sidecar renegotiates and the retried call succeeds.
// Here the invoker's negotiation is changed behind the sidecar (the CLI on the same state directory,
// PKI -> OAUTH) and the AEF restarts (forgetting its cached security contexts); the sidecar's next PKI
// call is refused, it renegotiates (from the state directory: OAUTH), gets a token and retries.
TEST_F(Sidecar, RenegotiatesWhenTheAefSaysTheMethodIsInvalid) {
  start();
  auto s = sidecar({.apis = {{"weather", {"PKI", "OAUTH"}}}});
  auto client = local_client(*ccf);
  expect_hello(*client, *s, "PKI");
  InvokerCli cli(*ccf, s->state_dir());
  auto r = cli.run("security", "--aef-id " + aef->aef_id() + " --methods OAUTH");
  ASSERT_EQ(r.status, 0) << r.raw;
  aef->terminate();
  aef->start();
  expect_hello(*client, *s, "OAUTH");
  EXPECT_NE(s->log().find("renegotiating"), std::string::npos) << s->log();
  expect_hello(*client, *s, "OAUTH");  // and it stays there
}

// TS 33.122 6.7: the APF narrows the API to PKI after the invoker negotiated OAUTH; the AEF refuses the
// token with SECURITY_METHOD_INVALID, the sidecar negotiates again (PKI) and the retried call succeeds.
TEST_F(Sidecar, RenegotiatesWhenTheApfNarrowsTheApiMethods) {
  start();
  auto s = sidecar({.apis = {{"weather", {"OAUTH", "PKI"}}}});
  auto client = local_client(*ccf);
  expect_hello(*client, *s, "OAUTH");
  aef->terminate();
  // The same data directory, a config whose API allows PKI only: the restart re-publishes (PUT).
  const auto cfg = aef->dir() / "aef.yaml";
  std::string text = capif::crypto::read_file(cfg);
  auto pos = text.find("securityMethods: [PSK, PKI, OAUTH]");
  ASSERT_NE(pos, std::string::npos) << text;
  text.replace(pos, 34, "securityMethods: [PKI]");
  capif::crypto::write_file_atomic(cfg, text, false);
  aef->start();
  expect_hello(*client, *s, "PKI");
}

// The plain-HTTP port is for local callers only: any other listen address is a configuration error.
TEST_F(Sidecar, RefusesANonLoopbackListenAddress) {
  start();
  for (const std::string address : {"0.0.0.0", "192.0.2.1", "::1"}) {
    SidecarProcess s(*ccf, {.listen_address = address});
    std::string out;
    EXPECT_EQ(s.run_to_exit(&out), 2) << out;
    EXPECT_NE(out.find("listen.address"), std::string::npos) << out;
    EXPECT_FALSE(std::filesystem::exists(s.state_dir() / "invoker.json")) << "onboarded before refusing";
  }
}
