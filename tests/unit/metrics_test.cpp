// The metrics registry's text format and the admin listener's three endpoints.
#include "capif/metrics.hpp"
#include "capif/crypto/pki.hpp"
#include "capif/http/admin.hpp"
#include "capif/http/client.hpp"

#include <gtest/gtest.h>

using namespace capif;

namespace {
bool contains(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}
}  // namespace

TEST(Metrics, CountersAndGaugesRenderWithHelpTypeAndEscapedLabels) {
  metrics::Registry r;
  r.describe("x_total", "counter", "what x counts");
  r.inc("x_total", {{"api", "a"}, {"status", "200"}});
  r.inc("x_total", {{"api", "a"}, {"status", "200"}}, 2);
  r.inc("x_total", {{"api", "q\"uote\\"}});
  r.set("up", {{"peer", "ccf-b"}}, 0);
  const auto text = r.render();
  EXPECT_TRUE(contains(text, "# HELP x_total what x counts\n# TYPE x_total counter\n")) << text;
  EXPECT_TRUE(contains(text, "x_total{api=\"a\",status=\"200\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "x_total{api=\"q\\\"uote\\\\\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "# TYPE up gauge\nup{peer=\"ccf-b\"} 0\n")) << text;
  EXPECT_EQ(r.value("x_total", {{"api", "a"}, {"status", "200"}}), 3);
  EXPECT_EQ(r.value("x_total", {{"api", "none"}}), 0);
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  metrics::Registry r;
  r.observe("d_seconds", {{"api", "a"}}, 0.003, {0.001, 0.01, 0.1});
  r.observe("d_seconds", {{"api", "a"}}, 0.05, {0.001, 0.01, 0.1});
  r.observe("d_seconds", {{"api", "a"}}, 7, {0.001, 0.01, 0.1});
  r.observe("d_seconds", {{"api", "a"}}, 0.01, {0.001, 0.01, 0.1});  // le is inclusive
  const auto text = r.render();
  EXPECT_TRUE(contains(text, "# TYPE d_seconds histogram\n")) << text;
  EXPECT_TRUE(contains(text, "d_seconds_bucket{api=\"a\",le=\"0.001\"} 0\n")) << text;
  EXPECT_TRUE(contains(text, "d_seconds_bucket{api=\"a\",le=\"0.01\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, "d_seconds_bucket{api=\"a\",le=\"0.10000000000000001\"} 3\n") ||
              contains(text, "d_seconds_bucket{api=\"a\",le=\"0.1\"} 3\n"))
      << text;
  EXPECT_TRUE(contains(text, "d_seconds_bucket{api=\"a\",le=\"+Inf\"} 4\n")) << text;
  EXPECT_TRUE(contains(text, "d_seconds_count{api=\"a\"} 4\n")) << text;
  EXPECT_EQ(r.value("d_seconds", {{"api", "a"}}), 4);
}

TEST(AdminServer, ServesHealthReadinessAndMetrics) {
  bool store_ok = true;
  int refreshed = 0;
  http::AdminServer admin({"127.0.0.1", 0, "capif-test", "9.9.9"},
                          {{"store", [&] { return store_ok ? std::string() : std::string("db gone"); }}},
                          [&] {
                            ++refreshed;
                            metrics::Registry::global().set("admin_test_refreshed", {}, refreshed);
                          });
  const auto port = admin.start();
  http::ClientConfig cfg;
  cfg.allow_plain_http = true;
  cfg.ca_pem = crypto::CertificateAuthority::create("unused", 1).cert_pem();  // the client wants one
  http::BlockingClient c(cfg);
  auto get = [&](const std::string& path) {
    http::ClientRequest req;
    req.url = "http://127.0.0.1:" + std::to_string(port) + path;
    return c.request(std::move(req));
  };
  auto h = get("/healthz");
  ASSERT_TRUE(h.ok()) << h.error;
  EXPECT_EQ(h.status, 200);
  EXPECT_TRUE(contains(h.body, "capif-test")) << h.body;

  EXPECT_EQ(get("/readyz").status, 200);
  store_ok = false;
  auto r = get("/readyz");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_TRUE(contains(r.body, "db gone")) << r.body;

  auto m = get("/metrics");
  EXPECT_EQ(m.status, 200);
  ASSERT_NE(m.header("content-type"), nullptr);
  EXPECT_TRUE(m.header("content-type")->starts_with("text/plain; version=0.0.4"))
      << *m.header("content-type");
  EXPECT_TRUE(contains(m.body, "admin_test_refreshed 1\n")) << m.body;
  // The admin listener's own traffic is not counted as API requests.
  EXPECT_FALSE(contains(m.body, "listener=\"\"")) << m.body;
  EXPECT_EQ(get("/nothing").status, 404);
  admin.stop();
  EXPECT_FALSE(get("/healthz").ok());
}
