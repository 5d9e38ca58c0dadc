#include "ccf/interconnect/peers.hpp"

#include "capif/crypto/files.hpp"
#include "capif/crypto/pki.hpp"
#include "capif/metrics.hpp"
#include "capif/problem.hpp"
#include "ccf/ccf_pki.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace capif::ccf {
namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kFirstBackoff = std::chrono::milliseconds(500);
constexpr auto kMaxBackoff = std::chrono::milliseconds(10000);
}  // namespace

struct Peers::Anchor {
  std::string pem;
  std::set<std::string> fingerprints;  // sha256 of each CA certificate of the anchor file
};

struct Peers::Link {
  const config::CcfConfig::Peer& cfg;
  std::shared_ptr<const Anchor> anchor;  // under mutex: SIGHUP replaces it
  http::HttpsClient client;
  mutable std::mutex mutex;
  Clock::time_point skip_until{};
  std::chrono::milliseconds backoff{0};
  bool probing = false;
  bool healthy = true;
  std::uint64_t requests = 0, failures = 0;

  Link(const config::CcfConfig::Peer& p, std::shared_ptr<const Anchor> a, http::ClientConfig cc)
      : cfg(p), anchor(std::move(a)), client({}, std::move(cc)) {}
};

namespace {
// The files of one peer as they are now (the certificate presented to it: its own files, else the server's).
Peers::Material read_material(const config::CcfConfig::Peer& p, const std::string& server_cert_pem,
                              const std::string& server_key_pem) {
  Peers::Material m{crypto::read_file(p.trust_anchor),
                    p.client_cert.empty() ? server_cert_pem : crypto::read_file(p.client_cert),
                    p.client_key.empty() ? server_key_pem : crypto::read_file(p.client_key)};
  return m;
}

std::set<std::string> fingerprints_of(const config::CcfConfig::Peer& p, const std::string& anchor_pem) {
  auto certs = crypto::split_pem_certificates(anchor_pem);
  if (certs.empty())
    throw std::runtime_error("peer " + p.id + ": no certificate in trust anchor " + p.trust_anchor.string());
  std::set<std::string> out;
  for (const auto& c : certs) out.insert(crypto::inspect_cert(c).fingerprint_sha256);
  return out;
}

// A peer is recognised by the anchor that verified its certificate; an anchor shared with our own CA or
// another peer would let one vouch for the other's id.
void check_distinct(const std::vector<config::CcfConfig::Peer>& peers,
                    const std::vector<std::set<std::string>>& anchors, const std::string& own_ca_pem) {
  const std::string own = crypto::inspect_cert(own_ca_pem).fingerprint_sha256;
  for (std::size_t i = 0; i < anchors.size(); ++i) {
    if (anchors[i].contains(own))
      throw std::runtime_error("peer " + peers[i].id + ": its trust anchor is this CCF's own CA");
    for (std::size_t j = 0; j < i; ++j)
      for (const auto& fp : anchors[i])
        if (anchors[j].contains(fp))
          throw std::runtime_error("peers " + peers[j].id + " and " + peers[i].id +
                                   " share a trust anchor: each peer needs its own CA");
  }
}
}  // namespace

Peers::Peers(const config::CcfConfig& cfg, const CcfPki& pki) : cfg_(cfg), own_ca_pem_(pki.ca.cert_pem()) {
  std::vector<std::set<std::string>> anchors;
  for (const auto& p : cfg.peers) {
    auto m = read_material(p, pki.server_cert_pem, pki.server_key_pem);
    anchors.push_back(fingerprints_of(p, m.anchor_pem));
    http::ClientConfig cc;
    cc.ca_pem = m.anchor_pem;
    cc.client_cert_pem = std::move(m.client_cert_pem);
    cc.client_key_pem = std::move(m.client_key_pem);
    cc.connect_timeout = std::chrono::milliseconds(p.timeout_ms);
    cc.request_timeout = std::chrono::milliseconds(p.timeout_ms);
    cc.max_body_bytes = static_cast<std::size_t>(cfg.limits.body_bytes);
    cc.max_idle_per_origin = 64;
    // The peer is its CCF id, whatever host name it is reached by (CAPIF-6e partners rarely share DNS).
    cc.expected_server_cn = p.id;
    auto anchor = std::make_shared<const Anchor>(Anchor{m.anchor_pem, anchors.back()});
    links_.push_back(std::make_unique<Link>(p, std::move(anchor), std::move(cc)));
  }
  check_distinct(cfg.peers, anchors, own_ca_pem_);
}

Peers::~Peers() = default;

Peers::Reload Peers::prepare_reload(const std::string& server_cert_pem,
                                    const std::string& server_key_pem) const {
  Reload out;
  std::vector<std::set<std::string>> anchors;
  for (const auto& p : cfg_.peers) {
    auto m = read_material(p, server_cert_pem, server_key_pem);
    anchors.push_back(fingerprints_of(p, m.anchor_pem));
    try {
      http::HttpsClient::check_tls(m.anchor_pem, m.client_cert_pem, m.client_key_pem);
    } catch (const std::exception& e) {
      throw std::runtime_error("peer " + p.id + ": " + e.what());
    }
    out.push_back(std::move(m));
  }
  check_distinct(cfg_.peers, anchors, own_ca_pem_);
  return out;
}

void Peers::install(Reload reload) {
  for (std::size_t i = 0; i < links_.size() && i < reload.size(); ++i) {
    auto& l = *links_[i];
    auto& m = reload[i];
    l.client.reload_tls(m.anchor_pem, m.client_cert_pem, m.client_key_pem);  // checked by prepare_reload
    auto fresh = std::make_shared<const Anchor>(Anchor{m.anchor_pem, fingerprints_of(l.cfg, m.anchor_pem)});
    std::lock_guard lock(l.mutex);
    l.anchor = std::move(fresh);
  }
}

std::shared_ptr<const Peers::Anchor> Peers::anchor(const std::string& peer_id) const {
  auto& l = link(peer_id);
  std::lock_guard lock(l.mutex);
  return l.anchor;
}

Peers::Link& Peers::link(const std::string& peer_id) const {
  for (const auto& l : links_)
    if (l->cfg.id == peer_id) return *l;
  throw ApiError::internal("no peer CCF " + peer_id + " is configured");
}

std::optional<std::string> Peers::authenticate(const http::TlsInfo& tls) const {
  if (!tls.client_cert_verified || tls.client_anchor_fingerprint.empty()) return std::nullopt;
  for (const auto& l : links_)
    if (l->cfg.id == tls.client_cn && anchor(l->cfg.id)->fingerprints.contains(tls.client_anchor_fingerprint))
      return l->cfg.id;
  return std::nullopt;
}

std::string Peers::trust_anchors_pem() const {
  Reload current;
  for (const auto& l : links_) current.push_back({anchor(l->cfg.id)->pem, {}, {}});
  return trust_anchors_pem(current);
}

std::string Peers::trust_anchors_pem(const Reload& reload) {
  std::string out;
  for (const auto& m : reload) out += m.anchor_pem + (m.anchor_pem.ends_with('\n') ? "" : "\n");
  return out;
}

std::string Peers::trust_anchor_pem(const std::string& peer_id) const {
  return anchor(peer_id)->pem;
}

bool Peers::is_trust_anchor(const std::string& peer_id, const std::string& ca_pem) const {
  auto certs = crypto::split_pem_certificates(ca_pem);
  if (certs.size() != 1) return false;
  try {
    return anchor(peer_id)->fingerprints.contains(crypto::inspect_cert(certs.front()).fingerprint_sha256);
  } catch (const std::exception&) {
    return false;
  }
}

boost::asio::awaitable<http::ClientResponse> Peers::call(const std::string& peer_id,
                                                         http::ClientRequest req) {
  Link& l = link(peer_id);
  {
    std::lock_guard lock(l.mutex);
    ++l.requests;
    const auto now = Clock::now();
    if (now < l.skip_until || l.probing) {
      ++l.failures;
      metrics::Registry::global().inc("capif_peer_requests_total",
                                      {{"peer", peer_id}, {"outcome", "skipped"}});
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(l.skip_until - now).count();
      throw ApiError(503, "Service Unavailable",
                     "peer CCF " + peer_id + " is unreachable; the next attempt is in " +
                         std::to_string(std::max<long long>(ms, 0)) + " ms",
                     "PEER_UNAVAILABLE");
    }
    if (l.backoff.count() > 0) l.probing = true;  // one request probes a peer that failed
  }
  req.url = l.cfg.api_root + req.url;
  const std::string method = req.method, url = req.url;
  const auto started = Clock::now();
  http::ClientResponse rsp;
  try {
    rsp = co_await l.client.request(std::move(req));
  } catch (const std::exception& e) {
    rsp.error = e.what();  // never leave the peer marked as being probed
  }
  const auto took = Clock::now() - started;
  const bool slow = took >= std::chrono::milliseconds(l.cfg.timeout_ms) * 9 / 10;
  {
    const char* outcome = rsp.ok() ? "ok" : (slow ? "timeout" : "unreachable");
    auto& m = metrics::Registry::global();
    m.inc("capif_peer_requests_total", {{"peer", peer_id}, {"outcome", outcome}});
    m.observe("capif_peer_request_duration_seconds", {{"peer", peer_id}, {"outcome", outcome}},
              std::chrono::duration<double>(took).count());
  }
  std::lock_guard lock(l.mutex);
  l.probing = false;
  if (rsp.ok()) {
    if (!l.healthy) spdlog::info("peer CCF {} is reachable again", peer_id);
    l.healthy = true;
    l.backoff = std::chrono::milliseconds(0);
    co_return rsp;
  }
  ++l.failures;
  l.healthy = false;
  if (!slow) {
    // Refused or reset at once: cheap to find out again, so the next request simply tries.
    spdlog::warn("peer CCF {}: {} {} failed: {}", peer_id, method, url, rsp.error);
    throw ApiError(502, "Bad Gateway", "peer CCF " + peer_id + " could not be reached: " + rsp.error,
                   "PEER_UNREACHABLE");
  }
  // A peer that hangs would hold every request for the whole timeout: skip it for a while instead.
  l.backoff = l.backoff.count() == 0 ? kFirstBackoff : std::min(l.backoff * 2, kMaxBackoff);
  l.skip_until = Clock::now() + l.backoff;
  spdlog::warn("peer CCF {}: {} {} timed out: {} (skipped for {} ms)", peer_id, method, url, rsp.error,
               l.backoff.count());
  throw ApiError(504, "Gateway Timeout",
                 "peer CCF " + peer_id + " did not answer within " + std::to_string(l.cfg.timeout_ms) + " ms",
                 "PEER_TIMEOUT");
}

std::vector<PeerStats> Peers::stats() const {
  std::vector<PeerStats> out;
  for (const auto& l : links_) {
    std::lock_guard lock(l->mutex);
    out.push_back({l->cfg.id, l->healthy, l->requests, l->failures, l->client.handshakes()});
  }
  return out;
}

}  // namespace capif::ccf
