// Operations of a real capif-ccf process: SIGHUP rotation of certificates and keys, the admin listener, and
// the request id in the log lines of a request.
#include "capif/crypto/files.hpp"
#include "capif/crypto/pki.hpp"
#include "capif/http/client.hpp"
#include "capif/http/server.hpp"
#include "capif_daemons.hpp"
#include "capif_parties.hpp"
#include "ccf_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
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

// Repeats `check` for up to 5 s until it holds (a signal is handled asynchronously).
bool eventually(const std::function<bool()>& check) {
  for (int i = 0; i < 50; ++i) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::vector<json> json_log_lines(const std::filesystem::path& file) {
  std::vector<json> out;
  std::istringstream in(crypto::read_file(file));
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
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

// A line a service function logs while serving a request carries that request's id, the one the answer's
// X-Request-Id header shows (generated, or the caller's own); lines outside requests carry none.
TEST(Operations, ServiceLogLinesCarryTheRequestIdOfTheirRequest) {
  CcfProcess ccf({"ccf-rid"});
  auto yaml = crypto::read_file(ccf.config_file());
  yaml.replace(yaml.find("  level: warn\n"), 14, "  level: info\n  format: json\n");
  crypto::write_file_atomic(ccf.config_file(), yaml, false);
  ccf.start();

  auto anon = make_client(ccf);
  auto onboard = [&](std::vector<std::pair<std::string, std::string>> headers) {
    headers.emplace_back("Authorization", "Bearer " + ccf.credential("invoker"));
    auto body = onboarding_body(crypto::make_csr_pem(crypto::generate_ec_key_pem(), "invoker"));
    auto r = send_json(*anon, "POST", invokers_url(ccf), body, std::move(headers));
    EXPECT_EQ(r.status, 201) << r.body << r.error;
    const auto* rid = r.header("x-request-id");
    return std::pair{body_json(r).value("apiInvokerId", ""), rid ? *rid : std::string()};
  };
  const auto [generated_invoker, generated_rid] = onboard({});
  const auto [given_invoker, given_rid] = onboard({{"X-Request-Id", "caller-chosen.42"}});
  EXPECT_EQ(given_rid, "caller-chosen.42");
  ASSERT_FALSE(generated_rid.empty());
  // A refused request: the HTTP layer answers 401 before any handler, its line is at debug (not logged).
  EXPECT_EQ(send(*anon, "GET", discover_url(ccf, generated_invoker)).status, 401);

  std::map<std::string, std::string> rid_of;  // service message -> request_id
  bool startup_line_without_id = false;
  for (const auto& j : json_log_lines(ccf.dir() / "ccf.log")) {
    const std::string msg = j.value("msg", "");
    if (msg.starts_with("onboarded API invoker ")) rid_of[msg.substr(22)] = j.value("request_id", "(none)");
    if (msg.starts_with("created CA") || msg.starts_with("listening"))
      startup_line_without_id = startup_line_without_id || !j.contains("request_id");
  }
  EXPECT_EQ(rid_of[generated_invoker], generated_rid);
  EXPECT_EQ(rid_of[given_invoker], given_rid);
  EXPECT_TRUE(startup_line_without_id) << crypto::read_file(ccf.dir() / "ccf.log");
}

// SIGHUP also reloads the token-signing key (what the previous key signed stays valid: its public key stays
// in the JWKS and verifies onboarding credentials) and the peers' trust anchors (who is recognised as a peer
// on new connections), all or nothing: a bad file leaves everything as it was, and the daemon serving.
TEST(Operations, SighupReloadsTheSigningKeyAndPeerTrustAnchors) {
  const auto peer_ca1 = crypto::CertificateAuthority::create("ccf-b CA one", 1);
  const auto peer_ca2 = crypto::CertificateAuthority::create("ccf-b CA two", 1);
  auto peer_client = [](const CcfProcess& ccf, const crypto::CertificateAuthority& ca) {
    const auto key = crypto::generate_ec_key_pem();
    return make_client(ccf, ca.issue_client_cert(crypto::make_csr_pem(key, "ccf-b"), "ccf-b", 1), key);
  };
  CcfProcess ccf({"ccf-hup"});
  const auto anchor = ccf.dir() / "ccf-b-ca.crt";
  crypto::write_file_atomic(anchor, peer_ca1.cert_pem(), false);
  ccf.append_config("peers:\n  - id: ccf-b\n    api_root: https://127.0.0.1:" + std::to_string(free_port()) +
                    "\n    trust_anchor: " + anchor.string() + "\n    link: CAPIF-6e\n");
  ccf.start();
  const auto data = ccf.dir() / "data";
  const std::string peer_discover = discover_url(ccf, "ccf-b");
  ASSERT_EQ(send(*peer_client(ccf, peer_ca1), "GET", peer_discover).status, 200);

  auto inv = onboard_invoker(ccf);  // its keep-alive connection stays open across the reloads
  const std::string jwks_url = ccf.api_root() + "/capif-security/v1/jwks";
  auto kids = [&] {
    std::vector<std::string> out;
    for (const auto& k : body_json(send(*inv.client, "GET", jwks_url)).value("keys", json::array()))
      out.push_back(k.value("kid", ""));
    return out;
  };
  const auto before = kids();
  ASSERT_EQ(before.size(), 1u);
  const std::string old_credential = ccf.credential("invoker");

  crypto::write_file_atomic(data / "token-signing.key", crypto::generate_ec_key_pem(), true);
  crypto::write_file_atomic(anchor, peer_ca2.cert_pem(), false);
  ASSERT_EQ(::kill(ccf.pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] { return kids().size() == 2; })) << "the JWKS never listed the new key";
  const auto after = kids();
  EXPECT_NE(after[0], before[0]) << "the current key comes first";
  EXPECT_EQ(after[1], before[0]) << "the previous key stays for the tokens it signed";

  auto onboard_with = [&](const std::string& credential) {
    auto body = onboarding_body(crypto::make_csr_pem(crypto::generate_ec_key_pem(), "invoker"));
    return send_json(*make_client(ccf), "POST", invokers_url(ccf), body,
                     {{"Authorization", "Bearer " + credential}})
        .status;
  };
  EXPECT_EQ(onboard_with(old_credential), 201) << "a credential signed by the previous key";
  EXPECT_EQ(onboard_with(ccf.credential("invoker")), 201) << "a credential signed by the new key";

  EXPECT_EQ(send(*peer_client(ccf, peer_ca2), "GET", peer_discover).status, 200) << "the new anchor";
  EXPECT_NE(send(*peer_client(ccf, peer_ca1), "GET", peer_discover).status, 200) << "the replaced anchor";
  auto open = send(*inv.client, "GET", discover_url(ccf, inv.id));
  EXPECT_EQ(open.status, 200) << open.body << open.error;
  EXPECT_TRUE(open.reused_connection) << "the keep-alive connection was dropped";

  // A new server certificate with an unreadable anchor: nothing is installed, not even the certificate.
  const auto ca = crypto::CertificateAuthority::load(crypto::read_file(data / "ca.crt"),
                                                     crypto::read_file(data / "ca.key"));
  const auto key = crypto::generate_ec_key_pem();
  crypto::write_file_atomic(data / "server.key", key, true);
  crypto::write_file_atomic(
      data / "server.crt", ca.issue_server_cert(key, "ccf-hup-new", {"localhost"}, {"127.0.0.1"}, 30), false);
  crypto::write_file_atomic(anchor, "not a certificate\n", false);
  ASSERT_EQ(::kill(ccf.pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] {
    return crypto::read_file(ccf.dir() / "ccf.log").find("SIGHUP: nothing reloaded") != std::string::npos;
  })) << crypto::read_file(ccf.dir() / "ccf.log");
  EXPECT_TRUE(get(*client(ccf, "ccf-hup"), ccf.api_root() + "/healthz").ok()) << "the old certificate stays";
  EXPECT_FALSE(get(*client(ccf, "ccf-hup-new"), ccf.api_root() + "/healthz").ok());
  EXPECT_EQ(send(*peer_client(ccf, peer_ca2), "GET", peer_discover).status, 200) << "the anchor stays";
  EXPECT_EQ(kids(), after);
  EXPECT_EQ(ccf.terminate(), 0);
}

// capif-aef on SIGHUP: new connections get the certificate now in data_dir, an open keep-alive connection
// keeps working, and a key that does not match, or an unreadable CCF CA file, leaves everything in place.
TEST(Operations, AefSighupReloadsItsCertificate) {
  CcfProcess ccf({"ccf-aefhup"});
  ccf.start();
  AefProcess aef(ccf);
  aef.start();
  const std::string url = aef.base_url() + "/healthz";
  auto open = client(ccf, aef.aef_id());
  ASSERT_TRUE(get(*open, url).ok());

  const auto data = aef.dir() / "data";
  const auto ca = crypto::CertificateAuthority::load(crypto::read_file(ccf.dir() / "data" / "ca.crt"),
                                                     crypto::read_file(ccf.dir() / "data" / "ca.key"));
  const auto key = crypto::generate_ec_key_pem();
  crypto::write_file_atomic(data / "aef.key", key, true);
  crypto::write_file_atomic(
      data / "aef.crt", ca.issue_server_cert(key, "aef-rotated", {"localhost"}, {"127.0.0.1"}, 30), false);
  ASSERT_EQ(::kill(aef.pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually([&] { return get(*client(ccf, "aef-rotated"), url).ok(); }))
      << "new connections never got the new certificate";
  auto r = get(*open, url);
  EXPECT_TRUE(r.ok() && r.status == 200 && r.reused_connection) << r.error;

  crypto::write_file_atomic(data / "aef.key", crypto::generate_ec_key_pem(), true);
  ASSERT_EQ(::kill(aef.pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually([&] {
    return crypto::read_file(aef.dir() / "stdout.log").find("SIGHUP: nothing reloaded") != std::string::npos;
  }));
  EXPECT_TRUE(get(*client(ccf, "aef-rotated"), url).ok()) << "the daemon lost its certificate";

  // A good pair with an unreadable CCF CA file: nothing is installed, not even the good pair.
  const auto key3 = crypto::generate_ec_key_pem();
  crypto::write_file_atomic(data / "aef.key", key3, true);
  crypto::write_file_atomic(data / "aef.crt",
                            ca.issue_server_cert(key3, "aef-third", {"localhost"}, {"127.0.0.1"}, 30), false);
  crypto::write_file_atomic(aef.dir() / "ccf-ca.crt", "not a certificate\n", false);
  ASSERT_EQ(::kill(aef.pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually([&] {
    const auto log = crypto::read_file(aef.dir() / "stdout.log");
    return log.find("SIGHUP: nothing reloaded") != log.rfind("SIGHUP: nothing reloaded");
  }));
  EXPECT_TRUE(get(*client(ccf, "aef-rotated"), url).ok()) << "the daemon lost its certificate";
  EXPECT_FALSE(get(*client(ccf, "aef-third"), url).ok()) << "half a reload was installed";
  EXPECT_EQ(aef.terminate(), 0);
}

// The certificate a CCF presents to a peer follows a SIGHUP too: after the server certificate (what it
// presents without peers[].client_cert) is replaced, the periodic publication sync reaches the peer on a
// new connection with the new certificate. The peer is a test server that records what it was shown.
TEST(Operations, SighupChangesTheCertificatePresentedToPeers) {
  const auto peer_ca = crypto::CertificateAuthority::create("ccf-b CA", 1);
  const auto peer_key = crypto::generate_ec_key_pem();
  http::ServerConfig sc;
  sc.cert_chain_pem = peer_ca.issue_server_cert(peer_key, "ccf-b", {"localhost"}, {"127.0.0.1"}, 1);
  sc.key_pem = peer_key;
  sc.client_ca_pem = peer_ca.cert_pem();  // unverified client certificates are still described
  sc.handle_signals = false;
  sc.threads = 1;
  std::mutex m;
  std::vector<std::string> seen;  // client certificate fingerprints, in order
  http::Router router;
  router.add("GET", "/published-apis/v1/{apfId}/service-apis",
             [&](http::RequestContext& ctx) -> boost::asio::awaitable<http::Response> {
               {
                 std::lock_guard lock(m);
                 seen.push_back(ctx.tls.client_fingerprint);
               }
               co_return http::Response::json(200, "[]");
             },
             {http::ClientAuth::optional, {}});
  http::Server peer(sc, std::move(router), [](const http::TlsInfo&) { return Principal{}; });
  const auto peer_port = peer.listen();
  std::thread peer_thread([&] { peer.run(); });
  auto last_seen = [&] {
    std::lock_guard lock(m);
    return seen.empty() ? std::string() : seen.back();
  };

  CcfProcess ccf({"ccf-a"});
  const auto anchor = ccf.dir() / "ccf-b-ca.crt";
  crypto::write_file_atomic(anchor, peer_ca.cert_pem(), false);
  ccf.append_config("peers:\n  - id: ccf-b\n    api_root: https://127.0.0.1:" + std::to_string(peer_port) +
                    "\n    trust_anchor: " + anchor.string() +
                    "\n    link: CAPIF-6e\n    timeout_ms: 2000\n    sync_interval_ms: 100\n");
  ccf.start();
  const auto data = ccf.dir() / "data";
  const auto old_fp = crypto::inspect_cert(crypto::read_file(data / "server.crt")).fingerprint_sha256;
  ASSERT_TRUE(eventually([&] { return last_seen() == old_fp; })) << "the peer never saw the CCF";

  const auto ca = crypto::CertificateAuthority::load(crypto::read_file(data / "ca.crt"),
                                                     crypto::read_file(data / "ca.key"));
  const auto key = crypto::generate_ec_key_pem();
  const auto cert = ca.issue_server_cert(key, "ccf-a", {"localhost"}, {"127.0.0.1"}, 30);
  const auto new_fp = crypto::inspect_cert(cert).fingerprint_sha256;
  crypto::write_file_atomic(data / "server.key", key, true);
  crypto::write_file_atomic(data / "server.crt", cert, false);
  ASSERT_EQ(::kill(ccf.pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually([&] { return last_seen() == new_fp; })) << "the peer never saw the new certificate";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(last_seen(), new_fp) << "a connection with the old certificate was used after the reload";
  EXPECT_EQ(ccf.terminate(), 0);
  peer.stop();
  peer_thread.join();
}
