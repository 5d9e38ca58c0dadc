#include "aef/app.hpp"

#include "aef/api/aef_security_api.hpp"
#include "aef/gateway/gateway.hpp"
#include "aef/provider/provider.hpp"
#include "capif/crypto/files.hpp"
#include "capif/crypto/pki.hpp"
#include "capif/http/admin.hpp"
#include "capif/http/client.hpp"
#include "capif/http/server.hpp"
#include "capif/logging.hpp"
#include "capif/metrics.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <mutex>
#include <thread>

namespace capif::aef {
namespace asio = boost::asio;

void setup_logging(const AefConfig& cfg) {
  setup_daemon_logging("capif-aef", cfg.log.file, cfg.log.level, cfg.log.format);
}

namespace {
constexpr const char* kVersion = "0.1.0";

std::vector<PublishedApi> published(const AefConfig& cfg, const ProviderState& s) {
  std::vector<PublishedApi> out;
  for (const auto& a : cfg.apis)
    out.push_back({s.api_ids.at(a.apiName), a.apiName, a.version, a.prefix, a.securityMethods});
  return out;
}
}  // namespace

struct AefApp::Impl {
  explicit Impl(AefConfig c)
      : cfg(std::move(c)),
        ca_pem(crypto::read_file(cfg.ccf.ca_file)),
        state(provision()),
        work(asio::make_work_guard(ioc)),
        ccf(make_https_ccf_client(ioc.get_executor(), cfg.ccf.api_root, state.aef.id, ca_pem,
                                  state.aef.tls())),
        upstream(make_upstream()),
        logs(static_cast<std::size_t>(cfg.logs.queue_limit)),
        gateway(gateway_options(), *ccf, cache, acl, logs, *upstream),
        shipper(logs, *ccf, state.aef.id, static_cast<std::size_t>(cfg.logs.batch_size),
                std::chrono::milliseconds(cfg.logs.flush_interval_ms)) {
    server = std::make_unique<http::Server>(server_config(), routes(),
                                            [](const http::TlsInfo&) { return Principal{}; });
    io_thread = std::thread([this] { ioc.run(); });
    asio::co_spawn(ioc, shipper.run(), [this](std::exception_ptr) { shipper_done.set_value(); });
    asio::co_spawn(ioc, gateway.refresh_jwks(), asio::detached);  // warm the token key cache
    metrics::Registry::global().set("capif_build_info", {{"daemon", "capif-aef"}, {"version", kVersion}}, 1);
  }

  std::unique_ptr<http::AdminServer> make_admin() {
    if (!cfg.admin.enabled) return nullptr;
    // Ready = the registration this gateway serves with is on disk (a lost data volume shows here).
    std::vector<http::ReadinessCheck> checks{{"registration", [file = cfg.data_dir / "provider.json"] {
                                                std::error_code ec;
                                                return std::filesystem::is_regular_file(file, ec)
                                                           ? std::string()
                                                           : "missing " + file.string();
                                              }}};
    auto refresh = [this] {
      auto& m = metrics::Registry::global();
      m.set("capif_aef_log_queue_depth", {}, static_cast<double>(logs.size()));
      m.set("capif_aef_logs_dropped", {}, static_cast<double>(logs.dropped()));
      m.set("capif_aef_logs_delivered", {}, static_cast<double>(shipper.delivered()));
    };
    return std::make_unique<http::AdminServer>(
        http::AdminOptions{cfg.admin.address, static_cast<std::uint16_t>(cfg.admin.port), "capif-aef",
                           kVersion},
        std::move(checks), std::move(refresh));
  }

  ~Impl() {
    shipper.stop();
    if (!shipper_stopped) shipper_done.get_future().wait_for(std::chrono::seconds(10));
    work.reset();
    ioc.stop();
    if (io_thread.joinable()) io_thread.join();
  }

  ProviderState provision() {
    auto provider = make_https_provider_ccf(cfg.ccf.api_root, ca_pem);
    auto s = ensure_registered(cfg, *provider);
    publish_apis(cfg, *provider, s);
    return s;
  }

  std::unique_ptr<Upstream> make_upstream() {
    if (cfg.upstream.url.empty()) return make_demo_upstream();
    UpstreamOptions o;
    o.base_url = cfg.upstream.url;
    o.ca_pem = cfg.upstream.ca_file.empty() ? ca_pem : crypto::read_file(cfg.upstream.ca_file);
    o.connect_timeout = std::chrono::milliseconds(cfg.upstream.connect_timeout_ms);
    o.request_timeout = std::chrono::milliseconds(cfg.upstream.request_timeout_ms);
    o.max_body_bytes = static_cast<std::size_t>(cfg.upstream.max_body_bytes);
    o.max_idle = static_cast<std::size_t>(cfg.upstream.max_idle);
    return make_http_upstream({}, o);  // connections live on the gateway's own threads
  }

  GatewayOptions gateway_options() {
    GatewayOptions g;
    g.aef_id = state.aef.id;
    g.address = cfg.listen.address;
    g.port = cfg.listen.port;
    g.token_leeway_s = cfg.security.token_leeway_s;
    g.acl_refresh_ms = cfg.security.acl_refresh_ms;
    g.jwks_refresh_min_ms = cfg.security.jwks_refresh_min_ms;
    g.jwks_max_age_ms = cfg.security.jwks_max_age_ms;
    g.apis = published(cfg, state);
    // The CA of a remote invoker's CCF reaches us in its PKI entry; the next handshakes accept it.
    g.trust_client_ca = [this](const std::string& ca_pem) { server->add_client_trust_anchor(ca_pem); };
    return g;
  }

  http::ServerConfig server_config() {
    http::ServerConfig s;
    s.address = cfg.listen.address;
    s.port = static_cast<std::uint16_t>(cfg.listen.port);
    s.threads = cfg.listen.threads;
    s.cert_chain_pem = state.aef.cert_pem;
    s.key_pem = state.aef.key_pem;
    s.client_ca_pem = ca_pem;
    s.limits.header_bytes = static_cast<std::size_t>(cfg.limits.header_bytes);
    s.limits.body_bytes = static_cast<std::size_t>(cfg.limits.body_bytes);
    s.limits.handshake_timeout = std::chrono::milliseconds(cfg.limits.handshake_timeout_ms);
    s.limits.read_timeout = std::chrono::milliseconds(cfg.limits.read_timeout_ms);
    s.limits.write_timeout = std::chrono::milliseconds(cfg.limits.write_timeout_ms);
    s.limits.idle_timeout = std::chrono::milliseconds(cfg.limits.idle_timeout_ms);
    s.limits.max_connections = static_cast<std::size_t>(cfg.limits.max_connections);
    // Synchronous, on the handshake thread: only the cache (filled by check-authentication or a PKI/OAuth
    // fetch); an unknown identity is refused.
    s.psk_lookup = [this](const std::string& identity) { return cache.psk(identity); };
    s.on_sighup = [this] { reload(); };
    return s;
  }

  // SIGHUP (docs/operations.md): the AEF's certificate and key (served to invokers, presented to the CCF)
  // and the CCF's CA (trusted for the CCF and for client certificates), re-read and checked before anything
  // is installed: a bad file changes nothing (the server logs the error).
  void reload() {
    const std::string ca = crypto::read_file(cfg.ccf.ca_file);
    const TlsIdentity aef{crypto::read_file(cfg.data_dir / "aef.crt"),
                          crypto::read_file(cfg.data_dir / "aef.key")};
    http::HttpsClient::check_tls(ca, aef.cert_pem, aef.key_pem);
    const auto fingerprint = crypto::inspect_cert(ca).fingerprint_sha256;
    server->reload_tls({aef.cert_pem, aef.key_pem, ca});  // the last step that may throw
    ccf->reload_tls(ca, aef);
    {
      std::lock_guard lock(ca_mutex);
      ca_fingerprint = fingerprint;
    }
    spdlog::info("SIGHUP: reloaded the AEF certificate (served and presented to the CCF) and the CCF CA {}",
                 fingerprint.substr(0, 16));
  }

  http::Router routes() {
    http::Router r;
    ca_fingerprint = crypto::inspect_cert(ca_pem).fingerprint_sha256;
    api::add_aef_security_routes(r, gateway, cfg.ccf.id, [this] {
      std::lock_guard lock(ca_mutex);
      return ca_fingerprint;
    });
    const std::string aef_id = state.aef.id;
    r.add("GET", "/healthz",
          [aef_id](http::RequestContext&) -> asio::awaitable<http::Response> {
            co_return http::Response::json(200, nlohmann::json{{"status", "ok"}, {"aefId", aef_id}}.dump());
          },
          {http::ClientAuth::optional, {}});
    for (const auto& api : gateway.options().apis) {
      auto handler = [this, api](http::RequestContext& ctx) -> asio::awaitable<http::Response> {
        // The raw target keeps the caller's percent-encoding for the upstream.
        const std::string& t = ctx.request.target;
        std::string rest = t.starts_with(api.prefix) ? t.substr(api.prefix.size()) : "/" + ctx.param("rest");
        if (rest.empty() || rest[0] == '?') rest = "/" + rest;
        co_return co_await gateway.handle(ctx.request, ctx.tls, api, rest);
      };
      for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
        r.add(m, api.prefix + "/{rest*}", handler, {http::ClientAuth::optional, {}});
    }
    return r;
  }

  AefConfig cfg;
  std::string ca_pem;  // as read at start
  std::mutex ca_mutex;
  std::string ca_fingerprint;  // under ca_mutex: of the CCF CA now trusted (SIGHUP reloads it)
  ProviderState state;
  // Declared before the upstream pool, whose connections live on its event loop: destroyed after them.
  std::unique_ptr<http::Server> server;
  asio::io_context ioc;  // outbound: CCF client, upstream pool, log shipper
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::unique_ptr<CcfClient> ccf;
  std::unique_ptr<Upstream> upstream;
  SecurityCache cache;
  AclEnforcer acl;
  LogQueue logs;
  Gateway gateway;
  LogShipper shipper;
  std::thread io_thread;
  std::promise<void> shipper_done;
  bool shipper_stopped = false;
  std::unique_ptr<http::AdminServer> admin;  // last: stopped first, its refresh reads logs and shipper
};

AefApp::AefApp(AefConfig cfg) : impl_(std::make_unique<Impl>(std::move(cfg))) {}
AefApp::~AefApp() = default;
std::uint16_t AefApp::listen() {
  const auto port = impl_->server->listen();
  impl_->admin = impl_->make_admin();
  if (impl_->admin) impl_->admin->start();
  return port;
}
void AefApp::run() {
  impl_->server->run();
  if (impl_->admin) impl_->admin->stop();
  impl_->shipper.stop();  // a last flush of the queued logs
  impl_->shipper_done.get_future().wait_for(std::chrono::seconds(10));
  impl_->shipper_stopped = true;
}
void AefApp::stop() {
  impl_->server->stop();
}
const std::string& AefApp::aef_id() const {
  return impl_->state.aef.id;
}

}  // namespace capif::aef
