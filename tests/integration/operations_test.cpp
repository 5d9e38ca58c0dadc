// Operations of a real capif-ccf process: SIGHUP certificate rotation and the admin listener.
#include "capif/crypto/files.hpp"
#include "capif/crypto/pki.hpp"
#include "capif/http/client.hpp"
#include "ccf_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

using namespace capif;
using namespace capif::testing;

namespace {
http::ClientResponse get(http::BlockingClient& c, const std::string& url) {
  http::ClientRequest req;
  req.url = url;
  return c.request(std::move(req));
}

std::unique_ptr<http::BlockingClient> client(const CcfProcess& ccf, const std::string& cn) {
  http::ClientConfig cfg;
  cfg.ca_pem = ccf.ca_pem();
  cfg.expected_server_cn = cn;
  return std::make_unique<http::BlockingClient>(cfg);
}
}  // namespace

// A new server certificate put in data_dir and SIGHUP: new connections get it, the keep-alive connection
// opened before keeps working, and the daemon keeps running. A broken pair leaves the current one in place.
TEST(Operations, SighupRotatesTheServerCertificateWithoutDroppingConnections) {
  CcfProcess ccf({"ccf-rot"});
  ccf.start();
  const std::string url = ccf.api_root() + "/healthz";
  auto open = client(ccf, "ccf-rot");
  auto r = get(*open, url);
  ASSERT_TRUE(r.ok()) << r.error;

  const auto data = ccf.dir() / "data";
  const auto ca = crypto::CertificateAuthority::load(crypto::read_file(data / "ca.crt"),
                                                     crypto::read_file(data / "ca.key"));
  const auto key = crypto::generate_ec_key_pem();
  // Another CN, so that a client can tell which certificate it was served.
  const auto cert = ca.issue_server_cert(key, "ccf-rotated", {"localhost"}, {"127.0.0.1"}, 30);
  crypto::write_file_atomic(data / "server.key", key, true);
  crypto::write_file_atomic(data / "server.crt", cert, false);
  ASSERT_EQ(::kill(ccf.pid(), SIGHUP), 0);

  bool rotated = false;
  for (int i = 0; i < 50 && !rotated; ++i) {
    rotated = get(*client(ccf, "ccf-rotated"), url).ok();
    if (!rotated) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(rotated) << "new connections never got the new certificate";
  r = get(*open, url);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.reused_connection) << "the keep-alive connection was dropped";
  EXPECT_FALSE(get(*client(ccf, "ccf-rot"), url).ok()) << "a new connection still got the old certificate";

  // A key that does not match: refused, the daemon keeps serving the rotated certificate.
  crypto::write_file_atomic(data / "server.key", crypto::generate_ec_key_pem(), true);
  ASSERT_EQ(::kill(ccf.pid(), SIGHUP), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto after = get(*client(ccf, "ccf-rotated"), url);
  EXPECT_TRUE(after.ok() && after.status == 200) << after.error;
  EXPECT_EQ(ccf.terminate(), 0) << "capif-ccf did not exit cleanly after the rotations";
}

// The admin listener of a real CCF: health, readiness and counters that move with API traffic.
TEST(Operations, AdminListenerCountsApiRequests) {
  const auto admin_port = free_port();
  CcfProcess ccf(
      {"ccf-adm", 2, "admin:\n  address: 127.0.0.1\n  port: " + std::to_string(admin_port) + "\n"});
  ccf.start();
  auto api = client(ccf, "ccf-adm");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(get(*api, ccf.api_root() + "/healthz").ok());

  http::ClientConfig plain;
  plain.ca_pem = ccf.ca_pem();
  plain.allow_plain_http = true;
  http::BlockingClient admin(plain);
  const std::string base = "http://127.0.0.1:" + std::to_string(admin_port);
  EXPECT_EQ(get(admin, base + "/healthz").status, 200);
  auto ready = get(admin, base + "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  auto m = get(admin, base + "/metrics");
  // The notification outbox is visible (nothing queued on a fresh CCF, nothing given up).
  EXPECT_NE(m.body.find("capif_notification_queue_depth 0\n"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("capif_notifications_given_up 0\n"), std::string::npos) << m.body;
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("capif_http_requests_total{listener=\"api\",api=\"healthz\",status=\"200\"} 3\n"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("capif_tls_handshakes_total{listener=\"api\",method=\"server_only\",result=\"ok\"}"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("capif_build_info{daemon=\"capif-ccf\""), std::string::npos) << m.body;
  // The store check fails while the database file is gone (the daemon's own handle keeps working).
  const auto db = ccf.dir() / "data" / "ccf.db";
  std::filesystem::rename(db, db.string() + ".away");
  auto gone = get(admin, base + "/readyz");
  EXPECT_EQ(gone.status, 503) << gone.body;
  EXPECT_NE(gone.body.find("store"), std::string::npos) << gone.body;
  std::filesystem::rename(db.string() + ".away", db);
  EXPECT_EQ(get(admin, base + "/readyz").status, 200);
}
