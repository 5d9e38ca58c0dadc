#pragma once
// The peer CCFs of CAPIF-6/6e (docs/interconnect.md): who they are, how to recognise them, one keep-alive
// connection pool each, and their health. Every call to a peer goes through Peers::call, which bounds it
// in time and turns "could not reach the peer" into a ProblemDetails that names the peer.
#include "capif/config/ccf_config.hpp"
#include "capif/http/client.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace capif::ccf {
struct CcfPki;

struct PeerStats {
  std::string id;
  bool healthy = true;
  std::uint64_t requests = 0, failures = 0;
  std::size_t handshakes = 0;  // TLS handshakes of the pool (reuse keeps it at the connection count)
};

class Peers {
 public:
  Peers(const config::CcfConfig& cfg, const CcfPki& pki);  // throws on unreadable trust anchors
  ~Peers();

  const config::CcfConfig::Peer* find(const std::string& id) const { return cfg_.peer(id); }
  const std::vector<config::CcfConfig::Peer>& all() const { return cfg_.peers; }
  // The peer whose certificate this is: CN = a configured peer id and chained to that peer's anchor.
  std::optional<std::string> authenticate(const http::TlsInfo& tls) const;
  // Every peer's trust anchors, for the listener's client-certificate trust store.
  std::string trust_anchors_pem() const;
  std::string trust_anchor_pem(const std::string& peer_id) const;
  // True when ca_pem is exactly one certificate, one of the peer's configured anchors.
  bool is_trust_anchor(const std::string& peer_id, const std::string& ca_pem) const;

  // One exchange with the peer (url = path under its api_root). Transport failures throw ApiError:
  // 502 PEER_UNREACHABLE (refused, reset, bad TLS), 504 PEER_TIMEOUT; after a timeout the peer is skipped
  // (503 PEER_UNAVAILABLE, no call made) for a backoff that doubles up to 10 s, then one request probes it.
  boost::asio::awaitable<http::ClientResponse> call(const std::string& peer_id, http::ClientRequest req);

  std::vector<PeerStats> stats() const;

  // SIGHUP, in two steps so that a daemon reloads all or nothing: prepare re-reads every peer's trust anchor
  // file and the certificate presented to peers (its own client_cert/client_key files, else the given server
  // pair) and checks them, throwing on any problem; install (no throw) makes them current: peers are then
  // recognised by the new anchors and new pooled connections present the new certificate.
  struct Material {
    std::string anchor_pem, client_cert_pem, client_key_pem;
  };
  using Reload = std::vector<Material>;  // one per peer, in configuration order
  Reload prepare_reload(const std::string& server_cert_pem, const std::string& server_key_pem) const;
  static std::string trust_anchors_pem(const Reload& reload);  // what trust_anchors_pem() says after install
  void install(Reload reload);

 private:
  struct Link;
  struct Anchor;
  Link& link(const std::string& peer_id) const;
  std::shared_ptr<const Anchor> anchor(const std::string& peer_id) const;
  const config::CcfConfig& cfg_;
  std::string own_ca_pem_;
  std::vector<std::unique_ptr<Link>> links_;
};

}  // namespace capif::ccf
