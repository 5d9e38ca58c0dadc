// Certificate rotation (SIGHUP): new connections get the new certificate, an open keep-alive connection
// keeps working, and an unusable pair is refused with the old certificate left in place; the same for the
// certificate a client presents.
#include "capif/crypto/pki.hpp"
#include "capif/http/client.hpp"
#include "capif/http/server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

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

// The client side (peer pools, the AEF's CCF client): after reload_tls new connections present the new
// certificate, pooled ones made before are not reused, and unusable material changes nothing.
TEST(ClientReload, NewConnectionsPresentTheNewCertificate) {
  const auto ca = crypto::CertificateAuthority::create("reload-ca", 1);
  const auto server_tls = server_pair(ca, "server");
  http::ServerConfig cfg;
  cfg.cert_chain_pem = server_tls.cert;
  cfg.key_pem = server_tls.key;
  cfg.client_ca_pem = ca.cert_pem();
  cfg.handle_signals = false;
  cfg.threads = 1;
  http::Router router;
  router.add("GET", "/who",
             [](http::RequestContext& ctx) -> boost::asio::awaitable<http::Response> {
               co_return http::Response::json(200, "\"" + ctx.tls.client_cn + "\"");
             },
             {http::ClientAuth::optional, {}});
  http::Server server(cfg, std::move(router), [](const http::TlsInfo&) { return Principal{}; });
  const auto port = server.listen();
  std::thread t([&] { server.run(); });

  auto client_pair = [&](const std::string& cn) {
    Pair p;
    p.key = crypto::generate_ec_key_pem();
    p.cert = ca.issue_client_cert(crypto::make_csr_pem(p.key, cn), cn, 1);
    return p;
  };
  const auto one = client_pair("client-one"), two = client_pair("client-two");
  http::ClientConfig cc;
  cc.ca_pem = ca.cert_pem();
  cc.client_cert_pem = one.cert;
  cc.client_key_pem = one.key;
  cc.expected_server_cn = "server";
  boost::asio::io_context ioc;
  http::HttpsClient client(ioc.get_executor(), cc);
  auto who = [&] {
    http::ClientRequest req;
    req.url = "https://127.0.0.1:" + std::to_string(port) + "/who";
    auto fut = boost::asio::co_spawn(ioc, client.request(std::move(req)), boost::asio::use_future);
    ioc.restart();
    ioc.run();
    return fut.get();
  };
  auto r = who();
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.body, "\"client-one\"");

  EXPECT_ANY_THROW(http::HttpsClient::check_tls(ca.cert_pem(), one.cert, two.key));
  EXPECT_ANY_THROW(client.reload_tls(ca.cert_pem(), one.cert, two.key));
  r = who();
  EXPECT_TRUE(r.ok() && r.reused_connection && r.body == "\"client-one\"") << r.error << r.body;

  client.reload_tls(ca.cert_pem(), two.cert, two.key);
  r = who();
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_FALSE(r.reused_connection) << "a connection made with the old certificate was reused";
  EXPECT_EQ(r.body, "\"client-two\"");
  EXPECT_EQ(client.handshakes(), 2u);

  server.stop();
  t.join();
}
