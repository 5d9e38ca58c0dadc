// The core HTTPS server and client in one process over real loopback sockets: TLS-PSK (1.2 and 1.3),
// the AEFPSK session material seen identically by both ends, server CN pinning, plain HTTP.
#include "capif/crypto/encoding.hpp"
#include "capif/crypto/pki.hpp"
#include "capif/http/client.hpp"
#include "capif/http/server.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

using namespace capif;
using nlohmann::json;

namespace {
struct TestPki {
  crypto::CertificateAuthority ca = crypto::CertificateAuthority::create("test CA", 1);
  std::string server_key = crypto::generate_ec_key_pem();
  std::string server_cert = ca.issue_server_cert(server_key, "aef-1", {"localhost"}, {"127.0.0.1"}, 1);
};

// Runs an http::Server on a free port in a thread; the one route echoes the connection's TLS facts.
class EchoServer {
 public:
  EchoServer(const TestPki& pki, bool plaintext, std::map<std::string, std::string> psks = {})
      : psks_(std::move(psks)) {
    http::ServerConfig cfg;
    cfg.port = 0;
    cfg.threads = 1;
    cfg.handle_signals = false;
    cfg.plaintext = plaintext;
    cfg.cert_chain_pem = pki.server_cert;
    cfg.key_pem = pki.server_key;
    cfg.client_ca_pem = pki.ca.cert_pem();
    if (!psks_.empty())
      cfg.psk_lookup = [this](const std::string& id) -> std::optional<std::string> {
        auto it = psks_.find(id);
        if (it == psks_.end()) return std::nullopt;
        return it->second;
      };
    http::Router router;
    router.add("GET", "/echo",
               [](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
                 json j{{"plaintext", rc.tls.plaintext},
                        {"version", rc.tls.version},
                        {"psk_identity", rc.tls.psk_identity},
                        {"client_cn", rc.tls.client_cn},
                        {"key", crypto::hex_encode(rc.tls.aefpsk_key)},
                        {"sid", crypto::hex_encode(rc.tls.aefpsk_session_id)}};
                 co_return http::Response::json(200, j.dump());
               },
               {http::ClientAuth::optional, {}});
    server_ = std::make_unique<http::Server>(cfg, std::move(router),
                                             [](const http::TlsInfo&) { return Principal{}; });
    port_ = server_->listen();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~EchoServer() {
    server_->stop();
    thread_.join();
  }
  std::string url(bool secure = true) const {
    return std::string(secure ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + "/echo";
  }

 private:
  std::map<std::string, std::string> psks_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

http::ClientResponse get(http::ClientConfig cfg, const std::string& url) {
  http::BlockingClient client(std::move(cfg));
  http::ClientRequest req;
  req.url = url;
  return client.request(req);
}
}  // namespace

TEST(HttpCore, AefpskMaterialIsTheSameOnBothEndsWithTls12) {
  TestPki pki;
  EchoServer server(pki, false);
  http::ClientConfig cfg;
  cfg.ca_pem = pki.ca.cert_pem();
  cfg.max_tls_version = "1.2";
  auto r = get(cfg, server.url());
  ASSERT_TRUE(r.ok()) << r.error;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["version"], "TLSv1.2");
  EXPECT_EQ(r.tls.aefpsk_key.size(), 48u) << "the TLS 1.2 master secret";
  EXPECT_EQ(r.tls.aefpsk_session_id.size(), 32u) << "the server must issue a session id";
  EXPECT_EQ(j["key"], crypto::hex_encode(r.tls.aefpsk_key));
  EXPECT_EQ(j["sid"], crypto::hex_encode(r.tls.aefpsk_session_id));
}

TEST(HttpCore, AefpskMaterialIsTheSameOnBothEndsWithTls13) {
  TestPki pki;
  EchoServer server(pki, false);
  http::ClientConfig cfg;
  cfg.ca_pem = pki.ca.cert_pem();
  auto r = get(cfg, server.url());
  ASSERT_TRUE(r.ok()) << r.error;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["version"], "TLSv1.3");
  EXPECT_EQ(r.tls.aefpsk_key.size(), 32u) << "the exporter output";
  EXPECT_TRUE(r.tls.aefpsk_session_id.empty());
  EXPECT_EQ(j["key"], crypto::hex_encode(r.tls.aefpsk_key));
}

TEST(HttpCore, TlsPskWithTls13And12) {
  TestPki pki;
  const std::string key = crypto::random_bytes(32);
  EchoServer server(pki, false, {{"INV1", key}});
  for (const char* version : {"1.3", "1.2"}) {
    http::ClientConfig cfg;
    cfg.ca_pem = pki.ca.cert_pem();
    cfg.psk_identity = "INV1";
    cfg.psk_key = key;
    cfg.max_tls_version = version;
    auto r = get(cfg, server.url());
    ASSERT_TRUE(r.ok()) << version << ": " << r.error;
    auto j = json::parse(r.body);
    EXPECT_EQ(j["psk_identity"], "INV1") << version;
    EXPECT_EQ(j["version"], std::string("TLSv") + version);
    EXPECT_EQ(r.tls.psk_identity, "INV1");
  }
}

TEST(HttpCore, TlsPskRefusesWrongKeyAndUnknownIdentity) {
  TestPki pki;
  EchoServer server(pki, false, {{"INV1", crypto::random_bytes(32)}});
  for (const char* version : {"1.3", "1.2"}) {
    http::ClientConfig wrong_key;
    wrong_key.ca_pem = pki.ca.cert_pem();
    wrong_key.psk_identity = "INV1";
    wrong_key.psk_key = crypto::random_bytes(32);
    wrong_key.max_tls_version = version;
    EXPECT_FALSE(get(wrong_key, server.url()).ok()) << version;
    http::ClientConfig unknown = wrong_key;
    unknown.psk_identity = "INV2";
    EXPECT_FALSE(get(unknown, server.url()).ok()) << version;
  }
}

TEST(HttpCore, ServerCnPinning) {
  TestPki pki;
  EchoServer server(pki, false);
  http::ClientConfig cfg;
  cfg.ca_pem = pki.ca.cert_pem();
  cfg.expected_server_cn = "aef-1";
  auto r = get(cfg, server.url());
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.tls.server_cn, "aef-1");
  cfg.expected_server_cn = "aef-2";
  r = get(cfg, server.url());
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("aef-2"), std::string::npos) << r.error;
}

TEST(HttpCore, PlainHttpOnlyWhenAllowed) {
  TestPki pki;
  EchoServer server(pki, true);
  http::ClientConfig cfg;
  cfg.ca_pem = pki.ca.cert_pem();
  EXPECT_FALSE(get(cfg, server.url(false)).ok()) << "http:// needs allow_plain_http";
  cfg.allow_plain_http = true;
  auto r = get(cfg, server.url(false));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(json::parse(r.body)["plaintext"], true);
  EXPECT_TRUE(r.tls.plaintext);
}
