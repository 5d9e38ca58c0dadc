#include "capif/http/admin.hpp"

#include "capif/http/server.hpp"
#include "capif/metrics.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace capif::http {

AdminServer::AdminServer(AdminOptions options, std::vector<ReadinessCheck> checks,
                         std::function<void()> before_metrics)
    : options_(std::move(options)), checks_(std::move(checks)), before_metrics_(std::move(before_metrics)) {}

AdminServer::~AdminServer() {
  stop();
}

std::uint16_t AdminServer::start() {
  ServerConfig cfg;
  cfg.address = options_.address;
  cfg.port = options_.port;
  cfg.threads = 1;
  cfg.plaintext = true;
  cfg.handle_signals = false;    // the daemon's own listener owns SIGTERM and stops us
  cfg.metrics_listener.clear();  // probes and scrapes are not API traffic
  cfg.limits.max_connections = 64;

  Router r;
  const RouteOptions open{ClientAuth::optional, {}};
  r.add(
      "GET", "/healthz",
      [this](RequestContext&) -> boost::asio::awaitable<Response> {
        co_return Response::json(
            200, nlohmann::json{{"status", "ok"}, {"daemon", options_.daemon}, {"version", options_.version}}
                     .dump());
      },
      open);
  r.add(
      "GET", "/readyz",
      [this](RequestContext&) -> boost::asio::awaitable<Response> {
        auto checks = nlohmann::json::object();
        bool ready = true;
        for (const auto& c : checks_) {
          std::string why;
          try {
            why = c.check();
          } catch (const std::exception& e) {
            why = e.what();
          }
          ready = ready && why.empty();
          checks[c.name] =
              why.empty() ? nlohmann::json{{"ok", true}} : nlohmann::json{{"ok", false}, {"error", why}};
        }
        co_return Response::json(
            ready ? 200 : 503,
            nlohmann::json{{"status", ready ? "ready" : "not ready"}, {"checks", checks}}.dump());
      },
      open);
  r.add(
      "GET", "/metrics",
      [this](RequestContext&) -> boost::asio::awaitable<Response> {
        if (before_metrics_) before_metrics_();
        Response rsp;
        rsp.content_type = "text/plain; version=0.0.4; charset=utf-8";
        rsp.body = metrics::Registry::global().render();
        co_return rsp;
      },
      open);
  server_ = std::make_unique<Server>(cfg, std::move(r), [](const TlsInfo&) { return Principal{}; });
  const auto port = server_->listen();
  thread_ = std::thread([this] {
    try {
      server_->run();
    } catch (const std::exception& e) {
      spdlog::error("admin listener stopped: {}", e.what());
    }
  });
  spdlog::info("admin listener on http://{}:{} (/healthz, /readyz, /metrics)", options_.address, port);
  return port;
}

void AdminServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace capif::http
