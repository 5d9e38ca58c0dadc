#include "ccf/service/security_notifier.hpp"

#include "ccf/interconnect/peer_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace capif::ccf {
namespace {
namespace asio = boost::asio;

// A peer CCF must learn of a revocation even when it is briefly down: retried with backoff for about a
// minute (each attempt bounded by the peer's timeout), then logged as given up. (Not from the outbox: the
// call is a DELETE through the peer's own connection pool and credentials.)
asio::awaitable<void> revoke_at_peer(PeerClient& client, std::string peer, std::string invoker) {
  auto delay = std::chrono::milliseconds(500);
  for (int attempt = 1;; ++attempt) {
    try {
      co_await client.revoke(peer, invoker);
      spdlog::info("revocation of API invoker {} delivered to peer CCF {}", invoker, peer);
      co_return;
    } catch (const std::exception& e) {
      if (attempt == 8) {
        spdlog::error("revocation of API invoker {} NOT delivered to peer CCF {}: {}", invoker, peer, e.what());
        co_return;
      }
      spdlog::warn("revocation of API invoker {} at peer CCF {} failed (attempt {}): {}", invoker, peer, attempt,
                   e.what());
    }
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    co_await timer.async_wait(asio::use_awaitable);
    delay = std::min(delay * 2, std::chrono::milliseconds(16000));
  }
}
}  // namespace

void spawn_peer_revocations(asio::any_io_executor executor, const CcfContext& ctx,
                            const RevocationOutcome& outcome) {
  if (!ctx.peer_client) return;
  for (const auto& peer : outcome.peers)
    asio::co_spawn(executor, revoke_at_peer(*ctx.peer_client, peer, outcome.invoker_id), asio::detached);
}

std::vector<OutboxMessage> revocation_messages(const RevocationOutcome& outcome) {
  std::vector<OutboxMessage> out;
  for (const auto& call : outcome.aef_calls) {
    OutboxMessage m;
    m.queue = "aef:" + call.aef_id;  // in order per AEF: a later revocation never overtakes an earlier one
    m.kind = "RevokeAuthorization";
    m.url = call.url;
    m.body = model::to_json(call.body).dump();
    m.server_cn = call.aef_id;  // the AEF's certificate has CN = aefId, not a host name
    out.push_back(std::move(m));
  }
  if (outcome.invoker_destination) {
    OutboxMessage m;
    m.queue = "inv:" + outcome.notification.apiInvokerId;
    m.kind = "SecurityNotification";
    m.url = *outcome.invoker_destination;
    m.body = model::to_json(outcome.notification).dump();
    m.allow_plain_http = true;  // an invoker sidecar listens on plain HTTP on loopback
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace capif::ccf
