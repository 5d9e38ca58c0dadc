#include "ccf/app.hpp"

#include "capif/crypto/files.hpp"
#include "capif/http/admin.hpp"
#include "capif/http/server.hpp"
#include "capif/logging.hpp"
#include "capif/metrics.hpp"
#include "ccf/api/routes.hpp"
#include "ccf/ccf_pki.hpp"
#include "ccf/interconnect/peer_client.hpp"
#include "ccf/interconnect/peers.hpp"
#include "ccf/interconnect/publication_sync.hpp"
#include "ccf/service/api_invoker_management.hpp"
#include "ccf/service/notification_delivery.hpp"
#include "ccf/store/ccf_store.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace capif::ccf {
namespace {
constexpr const char* kVersion = "0.1.0";

// Readiness of the store: a connection of its own (read-only) must open the database and read it, so a
// vanished volume, lost permissions or a corrupt file show up without touching the daemon's connection.
std::string store_problem(const std::filesystem::path& db) {
  sqlite3* h = nullptr;
  std::string why;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    why = "cannot open " + db.string() + ": " + (h ? sqlite3_errmsg(h) : "out of memory");
  } else {
    sqlite3_busy_timeout(h, 1000);
    if (sqlite3_exec(h, "SELECT version FROM schema_version", nullptr, nullptr, nullptr) != SQLITE_OK)
      why = "cannot read " + db.string() + ": " + sqlite3_errmsg(h);
  }
  sqlite3_close(h);
  return why;
}
}  // namespace

void setup_logging(const config::CcfConfig& cfg) {
  setup_daemon_logging("capif-ccf", cfg.log.file, cfg.log.level, cfg.log.format);
}

struct CcfApp::Impl {
  explicit Impl(config::CcfConfig c)
      : cfg(std::move(c)),
        pki(CcfPki::load_or_create(cfg)),
        store(cfg.data_dir / "ccf.db"),
        peers(cfg, pki),
        peer_client(peers, cfg.ccf.id),
        ctx{cfg, pki, store, websockets, &peers, &peer_client, [this] { sync.changed(); }},
        delivery(ctx),
        sync(ctx, peer_client) {
    // A monitoring duration that ended while the CCF was down: the subscription is gone before the first
    // request. (Here, not when the store opens: the operator commands open it too, beside the daemon.)
    if (auto ended = store.end_expired_subscriptions(unix_now_ms()); !ended.empty())
      spdlog::info("{} event subscriptions ended while the CCF was down: removed", ended.size());
    server = std::make_unique<http::Server>(server_config(), routes(), authenticator());
    metrics::Registry::global().set("capif_build_info", {{"daemon", "capif-ccf"}, {"version", kVersion}}, 1);
  }

  std::unique_ptr<http::AdminServer> make_admin() {
    if (!cfg.admin.enabled) return nullptr;
    std::vector<http::ReadinessCheck> checks{
        {"store", [db = cfg.data_dir / "ccf.db"] { return store_problem(db); }}};
    if (!cfg.peers.empty())
      checks.push_back({"peers", [this] {
                          std::string down;
                          for (const auto& p : peers.stats())
                            if (!p.healthy) down += (down.empty() ? "" : ", ") + p.id;
                          return down.empty() ? std::string() : "peer CCF unreachable: " + down;
                        }});
    // Peer health lives in Peers; copy it into gauges when scraped rather than on every call.
    auto refresh = [this] {
      auto& m = metrics::Registry::global();
      for (const auto& p : peers.stats()) {
        m.set("capif_peer_up", {{"peer", p.id}}, p.healthy ? 1 : 0);
        m.set("capif_peer_tls_handshakes", {{"peer", p.id}}, static_cast<double>(p.handshakes));
      }
      // The outbox: what waits for delivery, and what was delivered, retried or given up (kept in the store).
      const auto n = delivery.stats();
      m.set("capif_notification_queue_depth", {}, n.value("pending", 0.0));
      m.set("capif_notifications_delivered", {}, n.value("delivered", 0.0));
      m.set("capif_notification_failed_attempts", {}, n.value("failedAttempts", 0.0));
      m.set("capif_notifications_given_up", {}, n.value("givenUp", 0.0));
      m.set("capif_revocations_pending", {}, n.value("pendingRevocations", 0.0));
      m.set("capif_revocations_overdue", {}, n.value("overdueRevocations", 0.0));
    };
    return std::make_unique<http::AdminServer>(
        http::AdminOptions{cfg.admin.address, static_cast<std::uint16_t>(cfg.admin.port), "capif-ccf",
                           kVersion},
        std::move(checks), std::move(refresh));
  }

  http::ServerConfig server_config() {
    http::ServerConfig s;
    s.address = cfg.listen.address;
    s.port = static_cast<std::uint16_t>(cfg.listen.port);
    s.threads = cfg.listen.threads;
    s.cert_chain_pem = pki.server_cert_pem;
    s.key_pem = pki.server_key_pem;
    s.client_ca_pem = pki.ca.cert_pem() + peers.trust_anchors_pem();
    s.min_tls_version = cfg.tls.min_version;
    s.limits.header_bytes = static_cast<std::size_t>(cfg.limits.header_bytes);
    s.limits.body_bytes = static_cast<std::size_t>(cfg.limits.body_bytes);
    s.limits.handshake_timeout = std::chrono::milliseconds(cfg.limits.handshake_timeout_ms);
    s.limits.read_timeout = std::chrono::milliseconds(cfg.limits.read_timeout_ms);
    s.limits.write_timeout = std::chrono::milliseconds(cfg.limits.write_timeout_ms);
    s.limits.idle_timeout = std::chrono::milliseconds(cfg.limits.idle_timeout_ms);
    s.limits.max_connections = static_cast<std::size_t>(cfg.limits.max_connections);
    s.on_sighup = [this] { reload(); };
    return s;
  }

  // SIGHUP (docs/operations.md): the server certificate, the token-signing key, the peers' trust anchors and
  // the certificate presented to peers, re-read from their files. Everything is read and checked before
  // anything is installed, so a bad file changes nothing (the server logs the error).
  void reload() {
    const auto& dir = cfg.data_dir;
    const std::string cert = crypto::read_file(dir / "server.crt"),
                      key = crypto::read_file(dir / "server.key");
    auto signing = SigningKeys::Key::from_private_pem(crypto::read_file(dir / "token-signing.key"));
    auto peer_material = peers.prepare_reload(cert, key);
    const auto peer_count = peer_material.size();
    server->reload_tls(
        {cert, key, pki.ca.cert_pem() + Peers::trust_anchors_pem(peer_material)});  // may throw
    peers.install(std::move(peer_material));
    delivery.reload_tls(cert, key);
    const auto previous_kid = pki.signing->current()->kid;
    const auto kid = signing.kid;
    pki.signing->rotate(std::move(signing), std::chrono::seconds(cfg.security.token_ttl_s));
    spdlog::info(
        "SIGHUP: reloaded the server certificate, {} peer trust anchor(s) and the certificate "
        "presented to peers; token-signing key {}",
        peer_count,
        kid == previous_kid ? "unchanged (" + kid + ")"
                            : kid + ", previous key " + previous_kid + " still verifies what it signed");
  }

  http::Router routes() {
    http::Router r;
    api::add_invoker_management_routes(r, ctx);
    api::add_provider_management_routes(r, ctx);
    api::add_publish_routes(r, ctx);
    api::add_discover_routes(r, ctx);
    api::add_security_routes(r, ctx);
    api::add_access_control_policy_routes(r, ctx);
    api::add_logging_routes(r, ctx);
    api::add_auditing_routes(r, ctx);
    api::add_events_routes(r, ctx);
    api::add_routing_info_routes(r, ctx);
    const std::string id = cfg.ccf.id;
    // The notification counters are here so that operators and tests can see deliveries and give-ups.
    r.add("GET", "/healthz",
          [id, this](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
            auto list = nlohmann::json::array();
            for (const auto& p : peers.stats())
              list.push_back({{"ccfId", p.id},
                              {"healthy", p.healthy},
                              {"requests", p.requests},
                              {"failures", p.failures},
                              {"tlsHandshakes", p.handshakes}});
            co_return http::Response::json(
                200,
                nlohmann::json{
                    {"status", "ok"}, {"ccfId", id}, {"notifications", delivery.stats()}, {"peers", list}}
                    .dump());
          },
          {http::ClientAuth::optional, {}});
    return r;
  }

  // The principal is whoever the store says owns this exact certificate, and its CN must agree; or a
  // configured peer CCF whose certificate chains to that peer's own trust anchor.
  http::Authenticator authenticator() {
    return [this](const http::TlsInfo& tls) -> Principal {
      if (!tls.client_cert_verified) return {};
      auto p = store.principal_for(tls.client_fingerprint);
      if (p && p->id == tls.client_cn) return *p;
      if (auto peer = peers.authenticate(tls)) return Principal{PrincipalKind::peer_ccf, *peer, {}};
      return {};
    };
  }

  // The websocket of a subscription that ended (deleted, offboarded, maxReportNbr, monDur) is closed once
  // the reports written before the end have left.
  void close_ended_websockets() {
    for (const auto& id : websockets.subscriptions())
      if (!store.subscription(id) && store.outbox_batch("sub:" + id, 0, 1).empty()) {
        websockets.close(id);
        spdlog::info("subscription {} ended: its websocket is closed", id);
      }
  }

  // Every 0.3 s: event subscriptions whose monitoring duration ended are removed; with approval required,
  // the operator's approve/reject decisions (written to the store by another process) are acted on and
  // requests left undecided too long are rejected.
  void housekeeping_loop(std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    InvokerManagement svc(ctx);
    // The start already swept: the first round is one interval later.
    for (;;) {
      {
        std::unique_lock lock(m);
        cv.wait_for(lock, stop, std::chrono::milliseconds(300), [] { return false; });
      }
      if (stop.stop_requested()) return;
      try {
        store.end_expired_subscriptions(unix_now_ms());
        close_ended_websockets();
        if (cfg.onboarding.require_approval) svc.process_decisions();
      } catch (const std::exception& e) {
        spdlog::error("housekeeping: {}", e.what());
      }
    }
  }

  config::CcfConfig cfg;
  CcfPki pki;
  // Declared before the peer pools, whose sockets live on its event loop: destroyed after them (an
  // io_context destroyed first left those sockets deregistering from freed memory at exit).
  std::unique_ptr<http::Server> server;
  CcfStore store;
  Peers peers;
  HttpPeerClient peer_client;
  WebSocketHub websockets;
  CcfContext ctx;
  NotificationDelivery delivery;  // before the server: routes may write notices from the first request
  PublicationSync sync;  // destroyed before the server, its loops die with the server's event loop
  std::jthread housekeeping;
  std::unique_ptr<http::AdminServer> admin;  // last: destroyed (stopped) first, its checks read the above
};

CcfApp::CcfApp(config::CcfConfig cfg) : impl_(std::make_unique<Impl>(std::move(cfg))) {}
CcfApp::~CcfApp() = default;
std::uint16_t CcfApp::listen() {
  const auto port = impl_->server->listen();
  impl_->admin = impl_->make_admin();
  if (impl_->admin) impl_->admin->start();
  return port;
}
void CcfApp::run() {
  impl_->delivery.start();
  impl_->sync.start(impl_->server->executor());
  impl_->housekeeping = std::jthread([this](std::stop_token stop) { impl_->housekeeping_loop(stop); });
  impl_->server->run();
  impl_->housekeeping.request_stop();
  impl_->housekeeping.join();
  impl_->sync.stop();
  impl_->delivery.stop();
  if (impl_->admin) impl_->admin->stop();
}
void CcfApp::stop() {
  impl_->sync.stop();
  impl_->server->stop();
}

}  // namespace capif::ccf
