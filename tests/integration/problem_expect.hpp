#pragma once
// Shared by the bad-input and wrong-caller tests: ProblemDetails assertions and raw socket/TLS clients
// for the cases an HTTP client library cannot produce (a stalled request, no ClientHello at all).
#include "capif_parties.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <initializer_list>
#include <stdexcept>
#include <string>

namespace capif::testing {

inline bool has_invalid_param(const json& problem, const std::string& param) {
  if (!problem.contains("invalidParams") || !problem["invalidParams"].is_array()) return false;
  for (const auto& p : problem["invalidParams"])
    if (p.is_object() && p.value("param", std::string("\x01")) == param) return true;
  return false;
}

// HTTP status, Content-Type application/problem+json, "status" equal to the HTTP status, a non-empty
// "detail", and an invalidParams entry for every given param.
inline void expect_problem(const http::ClientResponse& r, int status,
                           std::initializer_list<std::string> params) {
  ASSERT_TRUE(r.ok()) << "exchange failed: " << r.error;
  EXPECT_EQ(r.status, status) << r.body;
  const std::string* ct = r.header("content-type");
  ASSERT_NE(ct, nullptr) << "no Content-Type; body: " << r.body;
  EXPECT_EQ(*ct, "application/problem+json");
  auto j = body_json(r);
  ASSERT_TRUE(j.is_object() && !j.empty()) << "not a JSON object: " << r.body;
  EXPECT_EQ(j.value("status", 0), status) << r.body;
  ASSERT_TRUE(j.contains("detail") && j["detail"].is_string()) << r.body;
  EXPECT_FALSE(j["detail"].get<std::string>().empty()) << r.body;
  for (const auto& p : params)
    EXPECT_TRUE(has_invalid_param(j, p)) << "no invalidParams entry '" << p << "' in " << r.body;
}

#define EXPECT_PROBLEM(response, status, ...)                          \
  do {                                                                 \
    SCOPED_TRACE("EXPECT_PROBLEM(" #response ", " #status ")");        \
    ::capif::testing::expect_problem(response, status, {__VA_ARGS__}); \
  } while (0)

inline int connect_loopback(std::uint16_t port, int recv_timeout_seconds) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  timeval tv{recv_timeout_seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("connect() failed");
  }
  return fd;
}

// A bare OpenSSL client that trusts the CCF's CA, for writing arbitrary bytes over TLS.
class RawTlsClient {
 public:
  RawTlsClient(const CcfProcess& ccf, int recv_timeout_seconds) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (!ctx_) throw std::runtime_error("SSL_CTX_new failed");
    const std::string ca = ccf.ca_pem();
    BIO* bio = BIO_new_mem_buf(ca.data(), static_cast<int>(ca.size()));
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!cert) throw std::runtime_error("cannot read the CCF CA certificate");
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_), cert);
    X509_free(cert);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    fd_ = connect_loopback(ccf.port(), recv_timeout_seconds);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    if (SSL_connect(ssl_) != 1) throw std::runtime_error("TLS handshake with the CCF failed");
  }
  ~RawTlsClient() {
    if (ssl_) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
    if (ctx_) SSL_CTX_free(ctx_);
  }
  RawTlsClient(const RawTlsClient&) = delete;
  RawTlsClient& operator=(const RawTlsClient&) = delete;

  bool write(const std::string& bytes) {
    return SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) == static_cast<int>(bytes.size());
  }
  // Reads until the peer closes (close_notify, FIN, error) or the receive timeout expires.
  std::string read_all(bool* closed_by_peer = nullptr) {
    std::string out;
    char buf[4096];
    for (;;) {
      int n = SSL_read(ssl_, buf, sizeof buf);
      if (n > 0) {
        out.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      int err = SSL_get_error(ssl_, n);
      bool timed_out = err == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK);
      if (closed_by_peer) *closed_by_peer = !timed_out;
      return out;
    }
  }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
};

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace capif::testing
