#pragma once
// HTTPS client with one keep-alive connection pool per origin, client certificates and timeouts.
#include "capif/http/message.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace capif::http {

struct ClientConfig {
  std::string ca_pem;           // trust anchors for the server certificate (required)
  std::string client_cert_pem;  // optional client certificate
  std::string client_key_pem;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{10000};  // write + read of one exchange
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  std::size_t max_idle_per_origin = 16;
  bool verify_host = true;
  // When set, the server certificate must carry this CN (chained to ca_pem) instead of matching the host
  // name: an AEF is known to an invoker by its aefId, not by a DNS name.
  std::string expected_server_cn;
  // TLS-PSK instead of certificates (CAPIF-2e method 1): identity = apiInvokerId, key = AEFPSK (raw).
  std::string psk_identity;
  std::string psk_key;
  std::string max_tls_version = "1.3";  // "1.2" forces TLS 1.2 (the standard AEFPSK derivation needs it)
  bool allow_plain_http = false;        // accept http:// URLs (an upstream service behind a gateway)
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // https://host:port/path?query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;
};

struct ClientResponse {
  std::string error;  // non-empty: the exchange failed (connect, TLS, timeout, parse): no status
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  bool reused_connection = false;
  TlsInfo tls;  // facts of the connection the exchange used (AEFPSK material, server CN)

  bool ok() const { return error.empty(); }
  const std::string* header(const std::string& lower_name) const;
};

class HttpsClient {
 public:
  // An empty executor means: open each connection on the event loop of the coroutine that asks for it.
  HttpsClient(boost::asio::any_io_executor executor, ClientConfig config);
  ~HttpsClient();
  boost::asio::awaitable<ClientResponse> request(ClientRequest request);
  std::size_t handshakes() const;  // TLS handshakes done so far (connection reuse shows here)
  // Connections opened from now on trust ca_pem and present cert_pem/key_pem (empty: none); idle pooled
  // connections made with the previous material are closed when next taken (by the caller that takes them,
  // on its own event loop), exchanges in progress finish. Throws, keeping the current material, when it is
  // unusable (bad PEM, key not matching). Safe from any thread.
  void reload_tls(const std::string& ca_pem, const std::string& cert_pem, const std::string& key_pem);
  // Throws what reload_tls would throw for this material, changing nothing: to check several clients'
  // material before reloading any of them.
  static void check_tls(const std::string& ca_pem, const std::string& cert_pem, const std::string& key_pem);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// A client with its own event loop, for command-line tools and tests.
class BlockingClient {
 public:
  explicit BlockingClient(ClientConfig config);
  ~BlockingClient();
  ClientResponse request(ClientRequest request);
  std::size_t handshakes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace capif::http
