#pragma once
// OpenSSL context builders for the server and the client; TLS 1.2 and 1.3 only.
#include "capif/http/message.hpp"

#include <boost/asio/ssl/context.hpp>

#include <string>

namespace capif::http::tls {

struct ServerTls {
  std::string cert_chain_pem, key_pem, client_ca_pem, min_version = "1.2";
};
boost::asio::ssl::context make_server_context(const ServerTls& cfg);

struct ClientTls {
  std::string ca_pem, cert_pem, key_pem;
};
boost::asio::ssl::context make_client_context(const ClientTls& cfg);

// Reads version, cipher and the client certificate's identity from an established session.
TlsInfo describe_session(SSL* ssl);

}  // namespace capif::http::tls
