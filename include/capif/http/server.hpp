#pragma once
// HTTPS server (HTTP/1.1 over TLS 1.2/1.3) with keep-alive, limits, timeouts and clean shutdown.
#include "capif/http/router.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace capif::http {

struct ServerLimits {
  std::size_t header_bytes = 16 * 1024;
  std::size_t body_bytes = 1024 * 1024;
  std::chrono::milliseconds handshake_timeout{5000};
  std::chrono::milliseconds read_timeout{10000};  // from the first byte to the end of a request
  std::chrono::milliseconds write_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};  // keep-alive wait for the next request
  std::size_t max_connections = 1024;
};

// What a listener serves TLS with; replaceable at run time (Server::reload_tls).
struct ServerTlsMaterial {
  std::string cert_chain_pem;  // server certificate (+ intermediates)
  std::string key_pem;
  std::optional<std::string> client_ca_pem;  // unset: keep the current trust anchors for client certificates
};

struct ServerConfig {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = ephemeral
  int threads = 2;
  std::string cert_chain_pem;  // server certificate (+ intermediates)
  std::string key_pem;
  std::string client_ca_pem;  // trust anchors for client certificates
  std::string min_tls_version = "1.2";
  ServerLimits limits;
  bool handle_signals = true;  // stop on SIGTERM/SIGINT
  bool plaintext = false;      // plain HTTP, no TLS: only for a loopback sidecar port
  // The `listener` label of this server's request and handshake metrics (capif/metrics.hpp); empty = not
  // counted (the admin listener: probes and scrapes are not API traffic).
  std::string metrics_listener = "api";
  // TLS-PSK (CAPIF-2e method 1): returns the key for a PSK identity, or nullopt to refuse it. When set,
  // a client may authenticate with an external PSK (TLS 1.3 psk_dhe_ke, or TLS 1.2 ECDHE-PSK suites)
  // instead of certificates; the identity is reported in TlsInfo::psk_identity. Called on the handshake
  // thread: it must not block.
  std::function<std::optional<std::string>(const std::string& identity)> psk_lookup;
  // SIGHUP (with handle_signals), on the server's event loop: the daemon re-reads its key material and
  // installs it (Server::reload_tls and its own clients), all or nothing; an exception is logged as a failed
  // reload (the daemon must then have kept its current material). Unset: SIGHUP is not handled.
  std::function<void()> on_sighup;
};

// Maps the connection's TLS facts to a principal; called for every request so that an offboarded
// or replaced certificate stops working at once, even on an open keep-alive connection.
using Authenticator = std::function<Principal(const TlsInfo&)>;

class Server {
 public:
  Server(ServerConfig config, Router router, Authenticator authenticator);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t listen();  // binds and returns the bound port
  void run();              // serves until stop() or a signal; returns after in-flight requests finish
  void stop();
  // Trusts one more CA for client certificates from now on (an AEF learning the CA of a remote invoker's
  // CCF). Which anchor verified a client shows in TlsInfo::client_anchor_fingerprint. Throws on bad PEM.
  void add_client_trust_anchor(const std::string& ca_pem);
  // New connections are served with this material from now on (trust anchors added at run time are kept);
  // established ones keep theirs. Throws, keeping the current material, when it is unusable (bad PEM, key
  // not matching the certificate).
  void reload_tls(const ServerTlsMaterial& material);
  void reload_certificate(const std::string& cert_chain_pem, const std::string& key_pem) {
    reload_tls({cert_chain_pem, key_pem, std::nullopt});
  }
  // The event loop the server's handlers run on, for background work of the daemon (valid until destroyed).
  boost::asio::any_io_executor executor();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace capif::http
