#include "ccf/service/notification_delivery.hpp"

#include "capif/crypto/files.hpp"
#include "capif/http/client.hpp"
#include "ccf/interconnect/peers.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace capif::ccf {
namespace asio = boost::asio;

namespace {
// The first attempts of a queue are logged at warn, later ones at debug, so that a callback that is
// down for hours does not flood the log; giving up is always an error.
constexpr std::int64_t kLoudAttempts = 3;
constexpr std::size_t kBatch = 64;  // messages of a queue read at once
constexpr auto kFlushInterval = std::chrono::milliseconds(20);

// An overdue revocation (never given up) is logged at error level every this many attempts.
constexpr std::int64_t kOverdueLogEvery = 10;

bool is_security_kind(const std::string& kind) {
  return kind == "SecurityNotification" || kind == "RevokeAuthorization";
}

// A revocation for a peer CCF (queue "peer:<ccfId>", url = the path under the peer's api_root): DELETE
// trustedInvokers/{apiInvokerId} over CAPIF-6/6e with the peer's trust anchor and our client certificate.
constexpr const char* kPeerRevocation = "PeerRevocation";

// Until it arrives, the AEF or the peer CCF still trusts the revoked invoker: never given up.
bool is_revocation(const std::string& kind) {
  return kind == "RevokeAuthorization" || kind == kPeerRevocation;
}
std::string peer_of(const StoredOutboxMessage& m) {
  return m.queue.substr(5);
}
}  // namespace

// The HTTP clients, shared with the queue coroutines: a coroutine frame destroyed while the event loop
// shuts down may still hold a client.
struct Clients {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<http::HttpsClient>> by_key;
  std::string cert_pem, key_pem;  // what the CCF presents: its server certificate, as last (re)loaded
};

struct NotificationDelivery::Impl {
  explicit Impl(const CcfContext& c) : ctx(c), clients(std::make_shared<Clients>()) {
    clients->cert_pem = ctx.pki.server_cert_pem;
    clients->key_pem = ctx.pki.server_key_pem;
  }

  // Declared first so that it is destroyed last: frames destroyed with it only touch what they own.
  asio::io_context ioc{1};
  const CcfContext ctx;
  std::shared_ptr<Clients> clients;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
  std::mutex mutex;
  std::set<std::string> active;  // queues with a running coroutine
  // Totals since the database was created: loaded at construction, persisted with each flush.
  std::atomic<std::int64_t> delivered{0}, failed_attempts{0}, given_up{0};
  std::atomic<bool> running{false};
  std::vector<std::int64_t> finished;  // handled seqs not yet removed (event loop thread only)
  OutboxCounters unflushed;            // counted with `finished` (event loop thread only)

  void load_counters() {
    const auto c = ctx.store.outbox_counters();
    delivered = c.delivered;
    failed_attempts = c.failed_attempts;
    given_up = c.given_up;
  }

  // Our own client per peer, on this loop (the Peers pools belong to the server's loop).
  std::shared_ptr<http::HttpsClient> peer_client_for(const StoredOutboxMessage& m) {
    const std::string peer = peer_of(m);
    const auto* p = ctx.config.peer(peer);
    std::lock_guard lock(clients->mutex);
    auto& c = clients->by_key["peer:" + peer];
    if (!c) {
      http::ClientConfig cfg;
      cfg.ca_pem = ctx.peers->trust_anchor_pem(peer);
      cfg.client_cert_pem = p->client_cert.empty() ? clients->cert_pem : crypto::read_file(p->client_cert);
      cfg.client_key_pem = p->client_key.empty() ? clients->key_pem : crypto::read_file(p->client_key);
      cfg.connect_timeout = std::chrono::milliseconds(p->timeout_ms);
      cfg.request_timeout = std::chrono::milliseconds(p->timeout_ms);
      cfg.max_body_bytes = static_cast<std::size_t>(ctx.config.limits.body_bytes);
      cfg.expected_server_cn = peer;  // the peer is its CCF id, whatever host name reaches it
      c = std::make_shared<http::HttpsClient>(ioc.get_executor(), std::move(cfg));
    }
    return c;
  }

  std::shared_ptr<http::HttpsClient> client_for(const StoredOutboxMessage& m) {
    if (m.kind == kPeerRevocation) return peer_client_for(m);
    const auto& n = ctx.config.notifications;
    const std::int64_t timeout =
        is_security_kind(m.kind) ? ctx.config.security.notifications.timeout_ms : n.timeout_ms;
    const std::string key =
        m.server_cn + "|" + (m.allow_plain_http ? "1" : "0") + "|" + std::to_string(timeout);
    std::lock_guard lock(clients->mutex);
    auto& c = clients->by_key[key];
    if (!c) {
      http::ClientConfig cfg;
      // The CCF calls with its TLS server certificate (clientAuth EKU) and trusts its own CA: AEFs and
      // sidecars have certificates from it.
      cfg.ca_pem = ctx.pki.ca.cert_pem();
      cfg.client_cert_pem = clients->cert_pem;
      cfg.client_key_pem = clients->key_pem;
      cfg.connect_timeout = std::chrono::milliseconds(timeout);
      cfg.request_timeout = std::chrono::milliseconds(timeout);
      cfg.max_body_bytes = static_cast<std::size_t>(n.max_response_bytes);
      cfg.max_idle_per_origin = 256;  // many subscriptions often share one callback host
      cfg.expected_server_cn = m.server_cn;
      cfg.allow_plain_http = m.allow_plain_http;
      c = std::make_shared<http::HttpsClient>(ioc.get_executor(), std::move(cfg));
    }
    return c;
  }

  void wake(const std::vector<std::string>& queues) {
    if (!running) return;  // start() picks them up from the store
    for (const auto& q : queues) {
      {
        std::lock_guard lock(mutex);
        if (!active.insert(q).second) continue;
      }
      asio::co_spawn(ioc, drain(q), asio::detached);
    }
  }

  std::chrono::milliseconds backoff(std::int64_t attempts) {
    const auto& n = ctx.config.notifications;
    std::int64_t d = n.retry_initial_ms;
    for (std::int64_t i = 1; i < attempts && d < n.retry_max_ms; ++i) d *= 2;
    d = std::min(d, n.retry_max_ms);
    // Up to 20 % jitter, so that the queues of one dead host do not retry in lockstep.
    static thread_local std::minstd_rand rng{std::random_device{}()};
    d += static_cast<std::int64_t>(rng() % static_cast<std::uint32_t>(d / 5 + 1));
    return std::chrono::milliseconds(d);
  }

  static asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer t(ex);
    t.expires_after(d);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  }

  // One attempt; true when the callback took it (any 2xx: TS 29.222 expects 204, 200 is harmless).
  asio::awaitable<bool> attempt(const StoredOutboxMessage& m) {
    // A subscriber with an open websocket gets its notifications there (TS 29.122 5.2.5.4); when none is
    // open (or the send fails) they go to notificationDestination.
    if (m.queue.starts_with("sub:"))
      if (auto ws = ctx.websockets.find(m.queue.substr(4))) {
        std::string text = m.body;  // named: no temporaries in a co_await (GCC 12)
        const bool sent = co_await ws->send(std::move(text));
        if (sent) co_return true;
      }
    auto client = client_for(m);
    http::ClientRequest req;
    const bool peer = m.kind == kPeerRevocation;
    if (peer) {
      req.method = "DELETE";
      req.url = ctx.config.peer(peer_of(m))->api_root + m.url;
    } else {
      req.method = "POST";
      req.url = m.url;
      req.body = m.body;
      req.content_type = "application/json";
    }
    auto rsp = co_await client->request(std::move(req));
    if (rsp.ok() && rsp.status / 100 == 2) co_return true;
    if (peer && rsp.ok() && rsp.status == 404) co_return true;  // the peer has nothing of the invoker
    const std::string why = rsp.ok() ? "answered " + std::to_string(rsp.status) : rsp.error;
    if (m.attempts < kLoudAttempts)
      spdlog::warn("{} #{} to {} failed (attempt {}): {}", m.kind, m.seq, m.url, m.attempts + 1, why);
    else
      spdlog::debug("{} #{} to {} failed (attempt {}): {}", m.kind, m.seq, m.url, m.attempts + 1, why);
    co_return false;
  }

  // A subscription deleted after its notifications were read into a batch gets none of them (the DELETE
  // removed them from the outbox in its transaction); one that ended (maxReportNbr, monDur) gets those
  // written before it ended, which are still in the outbox. A peer no longer configured gets nothing.
  bool still_wanted(const StoredOutboxMessage& m) const {
    if (m.kind == kPeerRevocation) {
      if (ctx.peers && ctx.config.peer(peer_of(m))) return true;
      spdlog::error("{} #{}: peer CCF {} is no longer configured: dropped", m.kind, m.seq, peer_of(m));
      return false;
    }
    if (!m.queue.starts_with("sub:") || ctx.store.subscription(m.queue.substr(4)).has_value()) return true;
    return ctx.store.outbox_has(m.seq);
  }

  // Delivered (or given up) messages are removed in one transaction every kFlushInterval rather than one
  // fsync each: a crash in between only repeats those deliveries (at-least-once).
  void done(std::int64_t seq) { finished.push_back(seq); }
  void flush() {
    if (finished.empty() && unflushed.delivered == 0 && unflushed.given_up == 0) return;
    try {
      ctx.store.outbox_remove(finished, unflushed);
      finished.clear();
      unflushed = {};
    } catch (const std::exception& e) {
      spdlog::error("notification outbox: {}", e.what());  // kept: retried at the next flush
    }
  }
  asio::awaitable<void> flusher() {
    for (;;) {
      co_await sleep_for(kFlushInterval);
      flush();
    }
  }

  // Sends the queue's messages in order until it is empty. `last` is the newest seq handled: rows up to it
  // may still be in the table until the next flush.
  asio::awaitable<void> drain(std::string queue) {
    auto keep = clients;  // see Clients
    std::int64_t last = 0;
    std::deque<StoredOutboxMessage> batch;
    for (;;) {
      std::int64_t wait_attempts = 1;
      try {
        if (batch.empty()) {
          auto rows = ctx.store.outbox_batch(queue, last, kBatch);
          batch.assign(std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
        }
        if (batch.empty()) {
          // A later drain of this queue starts from seq 0: what this one handled must be gone by then.
          flush();
          // A message committed after the read above woke us while still active: look once more.
          {
            std::lock_guard lock(mutex);
            active.erase(queue);
          }
          if (ctx.store.outbox_batch(queue, last, 1).empty()) co_return;
          std::lock_guard lock(mutex);
          if (!active.insert(queue).second) co_return;
          continue;
        }
        auto& head = batch.front();
        const auto now = unix_now_ms();
        if (head.not_before_ms > now) {
          const std::chrono::milliseconds wait(head.not_before_ms - now);
          co_await sleep_for(wait);
          continue;
        }
        bool sent = false;
        const bool wanted = still_wanted(head);
        if (wanted) sent = co_await attempt(head);
        if (!wanted || sent) {
          last = head.seq;
          done(head.seq);
          if (sent) {
            ++delivered;
            ++unflushed.delivered;
          }
          batch.pop_front();
          continue;
        }
        ++failed_attempts;
        const auto age_ms = unix_now_ms() - head.created_at_ms;
        const bool overdue = age_ms >= ctx.config.notifications.give_up_after_s * 1000;
        if (overdue && is_revocation(head.kind) && head.attempts % kOverdueLogEvery == 0)
          spdlog::error(
              "{} #{} to {} still undelivered after {} attempts in {} s (queue {}): revocations are "
              "never given up; the receiver trusts the revoked invoker until it arrives",
              head.kind, head.seq, head.url, head.attempts + 1, age_ms / 1000, queue);
        if (overdue && !is_revocation(head.kind)) {
          spdlog::error("{} #{} to {} given up after {} attempts in {} s (queue {})", head.kind, head.seq,
                        head.url, head.attempts + 1, age_ms / 1000, queue);
          ++given_up;
          ++unflushed.given_up;
          ++unflushed.failed_attempts;  // this last attempt (the others were counted by outbox_attempted)
          last = head.seq;
          done(head.seq);
          batch.pop_front();
          continue;
        }
        ctx.store.outbox_attempted(head.seq);
        wait_attempts = ++head.attempts;
      } catch (const std::exception& e) {
        // A store failure: keep the queue alive and try again later rather than lose it.
        spdlog::error("notification queue {}: {}", queue, e.what());
        batch.clear();
      }
      const auto wait = backoff(wait_attempts);
      co_await sleep_for(wait);
    }
  }
};

NotificationDelivery::NotificationDelivery(const CcfContext& ctx) : impl_(std::make_shared<Impl>(ctx)) {
  impl_->load_counters();
  std::weak_ptr<Impl> weak = impl_;
  auto wake = [weak](const std::vector<std::string>& queues) {
    if (auto impl = weak.lock()) impl->wake(queues);
  };
  ctx.store.set_outbox_listener(wake);
  ctx.websockets.set_listener(wake);  // a websocket that opens delivers what waited for it at once
}

NotificationDelivery::~NotificationDelivery() {
  stop();
  impl_->ctx.store.set_outbox_listener({});
  impl_->ctx.websockets.set_listener({});
}

void NotificationDelivery::start() {
  auto& i = *impl_;
  if (i.running.exchange(true)) return;
  i.work.emplace(i.ioc.get_executor());
  asio::co_spawn(i.ioc, i.flusher(), asio::detached);
  i.thread = std::thread([&i] { i.ioc.run(); });
  const auto queues = i.ctx.store.outbox_queues();
  if (!queues.empty()) spdlog::info("resuming {} notification queues", queues.size());
  i.wake(queues);
}

void NotificationDelivery::reload_tls(std::string cert_pem, std::string key_pem) {
  auto& c = *impl_->clients;
  std::lock_guard lock(c.mutex);
  c.cert_pem = std::move(cert_pem);
  c.key_pem = std::move(key_pem);
  c.by_key.clear();  // attempts in flight keep their client; the next ones build new ones
}

void NotificationDelivery::stop() {
  auto& i = *impl_;
  if (!i.running.exchange(false)) return;
  i.work.reset();
  i.ioc.stop();
  if (i.thread.joinable()) i.thread.join();
  i.flush();  // the loop is stopped: no coroutine touches `finished` any more
}

nlohmann::json NotificationDelivery::stats() const {
  const auto& ctx = impl_->ctx;
  const auto revocations =
      ctx.store.pending_revocations(unix_now_ms() - ctx.config.notifications.give_up_after_s * 1000);
  return {{"pending", impl_->ctx.store.outbox_size()},       {"delivered", impl_->delivered.load()},
          {"failedAttempts", impl_->failed_attempts.load()}, {"givenUp", impl_->given_up.load()},
          {"pendingRevocations", revocations.first},         {"overdueRevocations", revocations.second}};
}

}  // namespace capif::ccf
