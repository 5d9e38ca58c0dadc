// Certificate rotation (SIGHUP): new connections get the new certificate, an open keep-alive connection
// keeps working, and an unusable pair is refused with the old certificate left in place.
#include "capif/crypto/pki.hpp"
#include "capif/http/client.hpp"
#include "capif/http/server.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace capif;

namespace {
struct Pair {
  std::string cert, key;
};
Pair server_pair(const crypto::CertificateAuthority& ca, const std::string& cn) {
  Pair p;
  p.key = crypto::generate_ec_key_pem();
  p.cert = ca.issue_server_cert(p.key, cn, {"localhost"}, {"127.0.0.1"}, 1);
  return p;
}
}  // namespace

TEST(ServerReload, NewConnectionsSeeTheNewCertificateOpenOnesKeepWorking) {
  const auto ca = crypto::CertificateAuthority::create("reload-ca", 1);
  const auto one = server_pair(ca, "server-one"), two = server_pair(ca, "server-two");
  http::ServerConfig cfg;
  cfg.cert_chain_pem = one.cert;
  cfg.key_pem = one.key;
  cfg.handle_signals = false;
  cfg.threads = 1;
  http::Router router;
  router.add("GET", "/x",
             [](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
               co_return http::Response::json(200, "{}");
             },
             {http::ClientAuth::optional, {}});
  http::Server server(cfg, std::move(router), [](const http::TlsInfo&) { return Principal{}; });
  const auto port = server.listen();
  std::thread t([&] { server.run(); });
  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/x";
  auto client_for = [&](const std::string& cn) {
    http::ClientConfig c;
    c.ca_pem = ca.cert_pem();
    c.expected_server_cn = cn;
    return std::make_unique<http::BlockingClient>(c);
  };
  auto get = [&](http::BlockingClient& c) {
    http::ClientRequest req;
    req.url = url;
    return c.request(std::move(req));
  };

  auto open = client_for("server-one");
  auto r = get(*open);
  ASSERT_TRUE(r.ok()) << r.error;

  server.reload_certificate(two.cert, two.key);
  r = get(*open);  // the keep-alive connection made before the reload
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.reused_connection);
  EXPECT_EQ(r.status, 200);

  EXPECT_FALSE(get(*client_for("server-one")).ok()) << "a new connection still got the old certificate";
  auto fresh = get(*client_for("server-two"));
  EXPECT_TRUE(fresh.ok() && fresh.status == 200) << fresh.error;

  // A key that does not match the certificate is refused; the current certificate stays.
  EXPECT_ANY_THROW(server.reload_certificate(one.cert, two.key));
  fresh = get(*client_for("server-two"));
  EXPECT_TRUE(fresh.ok() && fresh.status == 200) << fresh.error;

  server.stop();
  t.join();
}
