#pragma once
// Beast-free request/response types: everything above the http layer sees only these.
#include "capif/identity.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace capif::http {

using QueryParams = std::vector<std::pair<std::string, std::string>>;  // percent-decoded, in order

struct Request {
  std::string method;
  std::string target;  // as received: path + query
  std::string path;    // percent-decoded path, no query
  QueryParams query;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  const std::string* header(const std::string& lower_name) const;
  std::optional<std::string> query_param(const std::string& name) const;
  // Media type of Content-Type without parameters, lower-cased ("" when absent).
  std::string media_type() const;
  // The token of "Authorization: Bearer <token>" (scheme case-insensitive), or nullopt.
  std::optional<std::string> bearer_token() const;
};

// The token of an Authorization header value "Bearer <token>" (scheme case-insensitive, spaces around
// the token dropped), or nullopt for another scheme, no token or no header.
std::optional<std::string> parse_bearer(const std::string* authorization);

struct WebSocketAccept;  // websocket.hpp

struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set (by accept_websocket) when the handler takes a websocket upgrade instead of answering.
  std::shared_ptr<WebSocketAccept> websocket;

  static Response json(int status, const std::string& body, std::string content_type = "application/json");
  static Response no_content();
  Response& with_header(std::string name, std::string value);
  static Response accept_websocket(std::shared_ptr<WebSocketAccept> accept);
};

// Facts about the TLS connection a request arrived on.
struct TlsInfo {
  std::string version;  // "TLSv1.2" / "TLSv1.3"
  std::string cipher;
  bool client_cert_presented = false;
  bool client_cert_verified = false;  // chained to the server's trust anchors and currently valid
  std::string client_cn;
  std::string client_fingerprint;  // sha256 of the DER, lower-case hex
  // sha256 (hex) of the trust anchor that verified the client certificate: which CA vouches for it
  // matters once a listener trusts several (a peer CCF's, or the CA of a remote invoker's CCF).
  std::string client_anchor_fingerprint;
  std::string remote_address;
  bool plaintext = false;    // no TLS at all (the invoker sidecar's loopback port)
  std::string psk_identity;  // set when an external PSK authenticated the session (TLS-PSK)
  std::string server_cn;     // client side: CN of the server certificate
  // Session secrets for AEFPSK (TS 33.122 Annex A.1, see docs/security.md): on TLS 1.2 the master secret
  // and the session id of the full handshake; on TLS 1.3 the project's exporter variant (Key = exporter
  // output, P1 empty). Raw bytes; empty when the session has none (PSK sessions, plaintext).
  std::string aefpsk_key;
  std::string aefpsk_session_id;
};

struct RequestContext {
  const Request& request;
  const TlsInfo& tls;
  Principal principal;
  std::map<std::string, std::string> path_params;

  const std::string& param(const std::string& name) const;  // path parameter; throws if the route lacks it
};

}  // namespace capif::http
