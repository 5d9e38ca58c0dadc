#include "ccf/service/security_notifier.hpp"

#include "capif/http/client.hpp"
#include "ccf/interconnect/peer_client.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace capif::ccf {
namespace {
namespace asio = boost::asio;

struct Delivery {
  http::ClientConfig base;  // trusts the CCF CA, presents the CCF server certificate (clientAuth EKU)
  RevocationOutcome outcome;
  PeerClient* peers = nullptr;
};

// A peer CCF must learn of a revocation even when it is briefly down: retried with backoff for about a
// minute (each attempt bounded by the peer's timeout), then logged as given up.
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

asio::awaitable<void> post(http::ClientConfig cfg, std::string url, std::string body, std::string what) {
  try {
    auto ex = co_await asio::this_coro::executor;
    http::HttpsClient client(ex, std::move(cfg));
    http::ClientRequest req;
    req.method = "POST";
    req.url = url;
    req.body = std::move(body);
    req.content_type = "application/json";
    auto rsp = co_await client.request(std::move(req));
    if (!rsp.ok())
      spdlog::warn("{} to {} failed: {}", what, url, rsp.error);
    else if (rsp.status / 100 != 2)
      spdlog::warn("{} to {} answered {}", what, url, rsp.status);
    else
      spdlog::info("{} delivered to {}", what, url);
  } catch (const std::exception& e) {
    spdlog::warn("{} to {} failed: {}", what, url, e.what());
  }
}

asio::awaitable<void> deliver(Delivery d) {
  auto ex = co_await asio::this_coro::executor;
  if (d.peers)
    for (const auto& peer : d.outcome.peers) asio::co_spawn(ex, revoke_at_peer(*d.peers, peer, d.outcome.invoker_id), asio::detached);
  for (auto& call : d.outcome.aef_calls) {
    auto cfg = d.base;
    cfg.expected_server_cn = call.aef_id;  // the AEF's certificate has CN = aefId, not a host name
    std::string body = model::to_json(call.body).dump();
    co_await post(cfg, call.url, std::move(body), "revoke-authorization");
  }
  if (d.outcome.invoker_destination) {
    auto cfg = d.base;
    cfg.allow_plain_http = true;  // an invoker sidecar listens on plain HTTP on loopback
    std::string body = model::to_json(d.outcome.notification).dump();
    co_await post(cfg, *d.outcome.invoker_destination, std::move(body),
                  "SecurityNotification");
  }
}
}  // namespace

void spawn_revocation_delivery(asio::any_io_executor executor, const CcfContext& ctx,
                               RevocationOutcome outcome) {
  if (outcome.aef_calls.empty() && !outcome.invoker_destination && outcome.peers.empty()) return;
  Delivery d;
  d.base.ca_pem = ctx.pki.ca.cert_pem();
  d.base.client_cert_pem = ctx.pki.server_cert_pem;
  d.base.client_key_pem = ctx.pki.server_key_pem;
  d.base.connect_timeout = std::chrono::milliseconds(ctx.config.security.notifications.timeout_ms);
  d.base.request_timeout = d.base.connect_timeout;
  d.outcome = std::move(outcome);
  d.peers = ctx.peer_client;
  asio::co_spawn(executor, deliver(std::move(d)), asio::detached);
}

}  // namespace capif::ccf
