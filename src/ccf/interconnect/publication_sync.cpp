#include "ccf/interconnect/publication_sync.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/problem.hpp"
#include "ccf/interconnect/sharing.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <set>

namespace capif::ccf {
namespace asio = boost::asio;

struct PublicationSync::Loop {
  const config::CcfConfig::Peer& peer;
  asio::strand<asio::any_io_executor> strand;  // the loop and every cancel of its timer run here
  asio::steady_timer timer;
  std::atomic<bool> pending{true}, stopped{false};
  bool relist = true;  // compare with the peer's own list: on the first pass, then on every periodic one
  Loop(const config::CcfConfig::Peer& p, asio::any_io_executor ex)
      : peer(p), strand(asio::make_strand(ex)), timer(strand) {}
};

namespace {

// One reconciliation pass; `relist` also compares with the peer's own list (orphans are withdrawn, and
// publications the peer lost are forgotten here so that they are published again). Each API is handled on
// its own: one refused publication does not hold back the others. Throws if anything failed, so the loop
// retries with backoff.
asio::awaitable<void> pass(const CcfContext& ctx, PeerClient& client, const config::CcfConfig::Peer& peer,
                           bool relist) {
  std::map<std::string, ServiceApiRecord> wanted;  // our apiId -> record
  ctx.store.for_each_api(std::nullopt, std::nullopt, [&](const ServiceApiRecord& rec) {
    if (shareable_to(rec, peer, ctx.config, ctx.store)) wanted.emplace(*rec.api.apiId, rec);
  });
  std::map<std::string, PeerPublication> sent;
  for (auto& p : ctx.store.peer_publications(peer.id)) sent.emplace(p.api_id, std::move(p));

  if (relist) {
    const auto at_peer = co_await client.published_ids(peer.id);
    const std::set<std::string> there(at_peer.begin(), at_peer.end());
    std::set<std::string> known;
    for (auto it = sent.begin(); it != sent.end();) {
      known.insert(it->second.remote_api_id);
      if (there.contains(it->second.remote_api_id)) {
        ++it;
        continue;
      }
      spdlog::info("peer {}: no longer has service API {} ({}); publishing it again", peer.id, it->first,
                   it->second.remote_api_id);
      ctx.store.delete_peer_publication(peer.id, it->first);
      it = sent.erase(it);
    }
    for (const auto& remote : at_peer)
      if (!known.contains(remote)) {
        co_await client.unpublish(peer.id, remote);
        spdlog::info("peer {}: withdrew publication {} that this CCF has no record of", peer.id, remote);
      }
  }
  std::size_t failures = 0;
  std::string last_error;
  for (const auto& [id, p] : sent) {
    if (wanted.contains(id)) continue;
    try {
      co_await client.unpublish(peer.id, p.remote_api_id);
      ctx.store.delete_peer_publication(peer.id, id);
      spdlog::info("peer {}: withdrew service API {} ({})", peer.id, id, p.remote_api_id);
    } catch (const std::exception& e) {
      ++failures;
      last_error = e.what();
    }
  }
  for (const auto& [id, rec] : wanted) {
    const auto body = publication_for(rec, peer, ctx.config.ccf.id, ctx.store);
    const std::string hash = crypto::sha256_hex(model::to_json(body).dump());
    auto it = sent.find(id);
    if (it != sent.end() && it->second.body_hash == hash) continue;
    try {
      bool republish = it == sent.end();
      if (!republish) {
        try {
          co_await client.update(peer.id, it->second.remote_api_id, body);
          ctx.store.put_peer_publication({peer.id, id, it->second.remote_api_id, hash});
          spdlog::info("peer {}: updated service API {}", peer.id, id);
        } catch (const ApiError& e) {
          if (e.status() != 404) throw;
          republish = true;  // the peer lost it
        }
      }
      if (republish) {
        auto remote = co_await client.publish(peer.id, body);
        ctx.store.put_peer_publication({peer.id, id, remote, hash});
        spdlog::info("peer {}: published service API {} ({}) as {}", peer.id, id, rec.api.apiName, remote);
      }
    } catch (const std::exception& e) {
      ++failures;
      last_error = e.what();
      spdlog::warn("peer {}: service API {} not synchronised: {}", peer.id, id, e.what());
    }
  }
  if (failures > 0)
    throw std::runtime_error(std::to_string(failures) + " service APIs not synchronised (last: " + last_error + ")");
}

}  // namespace

PublicationSync::PublicationSync(const CcfContext& ctx, PeerClient& client) : ctx_(ctx), client_(client) {}
PublicationSync::~PublicationSync() {
  stop();
}

void PublicationSync::start(asio::any_io_executor ex) {
  for (const auto& peer : ctx_.config.peers) {
    if (!peer.shares("publish")) continue;
    auto loop = std::make_shared<Loop>(peer, ex);
    loops_.push_back(loop);
    asio::co_spawn(
        loop->strand,
        [this, loop]() -> asio::awaitable<void> {
          const auto interval = std::chrono::milliseconds(loop->peer.sync_interval_ms);
          auto backoff = std::chrono::milliseconds(0);
          while (!loop->stopped) {
            if (loop->pending.exchange(false)) {
              try {
                co_await pass(ctx_, client_, loop->peer, loop->relist);
                loop->relist = false;
                backoff = std::chrono::milliseconds(0);
              } catch (const std::exception& e) {
                // The next pass retries; a failing peer is asked less often, never in a tight loop.
                loop->pending = true;
                backoff = std::min(std::max(backoff * 2, std::chrono::milliseconds(500)), interval);
                spdlog::warn("peer {}: publication sync failed: {}", loop->peer.id, e.what());
              }
            }
            if (loop->pending && backoff.count() == 0) continue;  // changed while the pass ran
            loop->timer.expires_after(backoff.count() ? backoff : interval);
            boost::system::error_code ec;
            co_await loop->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (!ec) {
              loop->pending = true;  // periodic pass: also repairs what a peer lost
              loop->relist = true;
            }
          }
        },
        asio::detached);
  }
}

void PublicationSync::stop() {
  for (auto& l : loops_) {
    l->stopped = true;
    asio::post(l->strand, [l] { l->timer.cancel(); });
  }
}

void PublicationSync::changed() {
  for (auto& l : loops_) {
    l->pending = true;
    asio::post(l->strand, [l] { l->timer.cancel(); });
  }
}

}  // namespace capif::ccf
