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

struct Peers::Link {
  const config::CcfConfig::Peer& cfg;
  std::string anchor_pem;
  std::set<std::string> anchor_fingerprints;  // sha256 of each CA certificate of the anchor file
  http::HttpsClient client;
  mutable std::mutex mutex;
  Clock::time_point skip_until{};
  std::chrono::milliseconds backoff{0};
  bool probing = false;
  bool healthy = true;
  std::uint64_t requests = 0, failures = 0;

  Link(const config::CcfConfig::Peer& p, std::string anchor, http::ClientConfig cc)
      : cfg(p), anchor_pem(std::move(anchor)), client({}, std::move(cc)) {}
};

Peers::Peers(const config::CcfConfig& cfg, const CcfPki& pki) : cfg_(cfg) {
  for (const auto& p : cfg.peers) {
    std::string anchor = crypto::read_file(p.trust_anchor);
    auto certs = crypto::split_pem_certificates(anchor);
    if (certs.empty())
      throw std::runtime_error("peer " + p.id + ": no certificate in trust anchor " + p.trust_anchor.string());
    http::ClientConfig cc;
    cc.ca_pem = anchor;
    cc.client_cert_pem = p.client_cert.empty() ? pki.server_cert_pem : crypto::read_file(p.client_cert);
    cc.client_key_pem = p.client_key.empty() ? pki.server_key_pem : crypto::read_file(p.client_key);
    cc.connect_timeout = std::chrono::milliseconds(p.timeout_ms);
    cc.request_timeout = std::chrono::milliseconds(p.timeout_ms);
    cc.max_body_bytes = static_cast<std::size_t>(cfg.limits.body_bytes);
    cc.max_idle_per_origin = 64;
    // The peer is its CCF id, whatever host name it is reached by (CAPIF-6e partners rarely share DNS).
    cc.expected_server_cn = p.id;
    auto link = std::make_unique<Link>(p, anchor, std::move(cc));
    for (const auto& c : certs) link->anchor_fingerprints.insert(crypto::inspect_cert(c).fingerprint_sha256);
    links_.push_back(std::move(link));
  }
  // A peer is recognised by the anchor that verified its certificate; an anchor shared with our own CA or
  // another peer would let one vouch for the other's id.
  const std::string own = crypto::inspect_cert(pki.ca.cert_pem()).fingerprint_sha256;
  for (std::size_t i = 0; i < links_.size(); ++i) {
    if (links_[i]->anchor_fingerprints.contains(own))
      throw std::runtime_error("peer " + links_[i]->cfg.id + ": its trust anchor is this CCF's own CA");
    for (std::size_t j = 0; j < i; ++j)
      for (const auto& fp : links_[i]->anchor_fingerprints)
        if (links_[j]->anchor_fingerprints.contains(fp))
          throw std::runtime_error("peers " + links_[j]->cfg.id + " and " + links_[i]->cfg.id +
                                   " share a trust anchor: each peer needs its own CA");
  }
}

Peers::~Peers() = default;

Peers::Link& Peers::link(const std::string& peer_id) const {
  for (const auto& l : links_)
    if (l->cfg.id == peer_id) return *l;
  throw ApiError::internal("no peer CCF " + peer_id + " is configured");
}

std::optional<std::string> Peers::authenticate(const http::TlsInfo& tls) const {
  if (!tls.client_cert_verified || tls.client_anchor_fingerprint.empty()) return std::nullopt;
  for (const auto& l : links_)
    if (l->cfg.id == tls.client_cn && l->anchor_fingerprints.contains(tls.client_anchor_fingerprint))
      return l->cfg.id;
  return std::nullopt;
}

std::string Peers::trust_anchors_pem() const {
  std::string out;
  for (const auto& l : links_) out += l->anchor_pem + (l->anchor_pem.ends_with('\n') ? "" : "\n");
  return out;
}

const std::string& Peers::trust_anchor_pem(const std::string& peer_id) const {
  return link(peer_id).anchor_pem;
}

bool Peers::is_trust_anchor(const std::string& peer_id, const std::string& ca_pem) const {
  auto certs = crypto::split_pem_certificates(ca_pem);
  if (certs.size() != 1) return false;
  try {
    return link(peer_id).anchor_fingerprints.contains(crypto::inspect_cert(certs.front()).fingerprint_sha256);
  } catch (const std::exception&) {
    return false;
  }
}

boost::asio::awaitable<http::ClientResponse> Peers::call(const std::string& peer_id, http::ClientRequest req) {
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
