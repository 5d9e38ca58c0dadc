#include "ccf/interconnect/publication_sync.hpp"

#include "capif/crypto/encoding.hpp"
#include "ccf/interconnect/sharing.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <set>

namespace capif::ccf {
namespace asio = boost::asio;

struct PublicationSync::Loop {
  const config::CcfConfig::Peer& peer;
  asio::steady_timer timer;
  std::atomic<bool> pending{true}, stopped{false};
  bool reconciled = false;  // the first successful pass also withdraws orphans at the peer
  Loop(const config::CcfConfig::Peer& p, asio::any_io_executor ex) : peer(p), timer(ex) {}
};

namespace {

asio::awaitable<void> pass(const CcfContext& ctx, PeerClient& client, const config::CcfConfig::Peer& peer,
                           bool& reconciled) {
  std::map<std::string, ServiceApiRecord> wanted;  // our apiId -> record
  ctx.store.for_each_api(std::nullopt, std::nullopt, [&](const ServiceApiRecord& rec) {
    if (shareable_to(rec, peer, ctx.config)) wanted.emplace(*rec.api.apiId, rec);
  });
  std::map<std::string, PeerPublication> sent;
  for (auto& p : ctx.store.peer_publications(peer.id)) sent.emplace(p.api_id, std::move(p));

  if (!reconciled) {
    std::set<std::string> known;
    for (const auto& [id, p] : sent) known.insert(p.remote_api_id);
    const auto at_peer = co_await client.published_ids(peer.id);
    for (const auto& remote : at_peer)
      if (!known.contains(remote)) {
        co_await client.unpublish(peer.id, remote);
        spdlog::info("peer {}: withdrew publication {} that this CCF has no record of", peer.id, remote);
      }
    reconciled = true;
  }
  for (const auto& [id, p] : sent)
    if (!wanted.contains(id)) {
      co_await client.unpublish(peer.id, p.remote_api_id);
      ctx.store.delete_peer_publication(peer.id, id);
      spdlog::info("peer {}: withdrew service API {} ({})", peer.id, id, p.remote_api_id);
    }
  for (const auto& [id, rec] : wanted) {
    const auto body = publication_for(rec, peer, ctx.config.ccf.id);
    const std::string hash = crypto::sha256_hex(model::to_json(body).dump());
    auto it = sent.find(id);
    if (it == sent.end()) {
      auto remote = co_await client.publish(peer.id, body);
      ctx.store.put_peer_publication({peer.id, id, remote, hash});
      spdlog::info("peer {}: published service API {} ({}) as {}", peer.id, id, rec.api.apiName, remote);
    } else if (it->second.body_hash != hash) {
      co_await client.update(peer.id, it->second.remote_api_id, body);
      ctx.store.put_peer_publication({peer.id, id, it->second.remote_api_id, hash});
      spdlog::info("peer {}: updated service API {}", peer.id, id);
    }
  }
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
        ex,
        [this, loop]() -> asio::awaitable<void> {
          const auto interval = std::chrono::milliseconds(loop->peer.sync_interval_ms);
          auto backoff = std::chrono::milliseconds(0);
          while (!loop->stopped) {
            if (loop->pending.exchange(false)) {
              try {
                co_await pass(ctx_, client_, loop->peer, loop->reconciled);
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
            if (!ec) loop->pending = true;  // periodic pass: also repairs what a peer lost
          }
        },
        asio::detached);
  }
}

void PublicationSync::stop() {
  for (auto& l : loops_) {
    l->stopped = true;
    asio::post(l->timer.get_executor(), [l] { l->timer.cancel(); });
  }
}

void PublicationSync::changed() {
  for (auto& l : loops_) {
    l->pending = true;
    asio::post(l->timer.get_executor(), [l] { l->timer.cancel(); });
  }
}

}  // namespace capif::ccf
