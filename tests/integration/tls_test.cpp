// The CCF listener speaks TLS 1.2 and 1.3 only; the HTTPS client times out on a silent server.
#include "capif/http/client.hpp"
#include "capif_parties.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

using namespace capif::testing;

namespace {
int connect_tcp(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Handshakes with exactly one protocol version; returns the negotiated version name or "" on failure.
std::string handshake_with(const CcfProcess& ccf, int version) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_security_level(ctx, 0);  // let the client offer old versions so the server is what refuses
  SSL_CTX_set_min_proto_version(ctx, version);
  SSL_CTX_set_max_proto_version(ctx, version);
  const std::string ca = ccf.ca_pem();
  BIO* bio = BIO_new_mem_buf(ca.data(), static_cast<int>(ca.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), cert);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  int fd = connect_tcp(ccf.port());
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  std::string result = SSL_connect(ssl) == 1 ? SSL_get_version(ssl) : "";
  ERR_clear_error();
  SSL_free(ssl);
  ::close(fd);
  X509_free(cert);
  BIO_free(bio);
  SSL_CTX_free(ctx);
  return result;
}
}  // namespace

TEST(Tls, AcceptsTls12And13Only) {
  CcfProcess ccf;
  ccf.start();
  EXPECT_EQ(handshake_with(ccf, TLS1_3_VERSION), "TLSv1.3");
  EXPECT_EQ(handshake_with(ccf, TLS1_2_VERSION), "TLSv1.2");
  EXPECT_EQ(handshake_with(ccf, TLS1_1_VERSION), "");
  EXPECT_EQ(handshake_with(ccf, TLS1_VERSION), "");
}

TEST(Tls, Tls13OnlyWhenConfigured) {
  CcfProcess ccf({.extra_yaml = "tls:\n  min_version: \"1.3\"\n"});
  ccf.start();
  EXPECT_EQ(handshake_with(ccf, TLS1_3_VERSION), "TLSv1.3");
  EXPECT_EQ(handshake_with(ccf, TLS1_2_VERSION), "");
}

TEST(Tls, ClientReportsTimeoutFromASilentServer) {
  // A TCP listener that accepts and never speaks: the client must give up after its timeout.
  int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(lfd, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len);

  CcfProcess ccf;  // only for a CA to trust
  ccf.run_command("init");
  capif::http::ClientConfig cfg;
  cfg.ca_pem = ccf.ca_pem();
  cfg.connect_timeout = std::chrono::milliseconds(400);
  capif::http::BlockingClient client(cfg);
  auto start = std::chrono::steady_clock::now();
  auto r = send(client, "GET", "https://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/healthz");
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status, 0);
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  ::close(lfd);
}

TEST(Tls, ClientRefusesAServerItDoesNotTrust) {
  CcfProcess a, b;
  a.start();
  b.run_command("init");
  capif::http::ClientConfig cfg;
  cfg.ca_pem = b.ca_pem();  // trusts B's CA, talks to A
  capif::http::BlockingClient client(cfg);
  auto r = send(client, "GET", a.api_root() + "/healthz");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("handshake"), std::string::npos) << r.error;
}
