#pragma once
// OpenSSL context builders for the server and the client; TLS 1.2 and 1.3 only; TLS-PSK.
#include "capif/http/message.hpp"

#include <boost/asio/ssl/context.hpp>

#include <functional>
#include <optional>
#include <string>

namespace capif::http::tls {

using PskLookup = std::function<std::optional<std::string>(const std::string& identity)>;

struct ServerTls {
  std::string cert_chain_pem, key_pem, client_ca_pem, min_version = "1.2";
  const PskLookup* psk_lookup = nullptr;  // owned by the server; outlives the context
};
boost::asio::ssl::context make_server_context(const ServerTls& cfg);
// Adds every certificate of the PEM to the context's trust store (X509_STORE locks: safe while serving).
void add_trust_anchors(SSL_CTX* ctx, const std::string& pem);

struct ClientTls {
  std::string ca_pem, cert_pem, key_pem, max_version = "1.3";
  const std::string* psk_identity = nullptr;  // owned by the client; outlive the context
  const std::string* psk_key = nullptr;
};
boost::asio::ssl::context make_client_context(const ClientTls& cfg);

// Per-connection scratch the PSK callbacks write into (set as the SSL's app data before the handshake).
struct PskState {
  std::string identity;  // the identity the server accepted
};

// Lets the server's PSK callbacks record the accepted identity for this connection (nullptr detaches).
void attach(SSL* ssl, PskState* state);

// Reads version, cipher, the peer certificate's identity, the PSK identity and the AEFPSK session
// secrets (TLS 1.2 master secret + session id, or the TLS 1.3 exporter) from an established session.
TlsInfo describe_session(SSL* ssl, const PskState* psk = nullptr);

// True when the session was authenticated with the external PSK (not a certificate fallback).
bool used_psk(SSL* ssl);

}  // namespace capif::http::tls
