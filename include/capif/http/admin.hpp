#pragma once
// The admin listener of a daemon (docs/operations.md): plain HTTP, loopback by default, apart from the
// CAPIF port so that probes and scrapers need no certificate and never share limits with API clients.
//   GET /healthz  200 while the process serves (liveness)
//   GET /readyz   200 when every readiness check passes, else 503 naming what failed
//   GET /metrics  the metrics registry in the Prometheus text format
// It runs on a thread and event loop of its own: a saturated API listener does not stall the probes.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace capif::http {
class Server;

struct AdminOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = ephemeral
  std::string daemon;      // "capif-ccf", shown by /healthz
  std::string version;
};

// One readiness check, called on the admin thread: returns "" when ready, else why not. Must not block
// for long (it answers a probe); it may read state the daemon guards with a mutex.
struct ReadinessCheck {
  std::string name;
  std::function<std::string()> check;
};

class AdminServer {
 public:
  // before_metrics runs before each /metrics answer is rendered: to refresh gauges read from elsewhere.
  AdminServer(AdminOptions options, std::vector<ReadinessCheck> checks,
              std::function<void()> before_metrics = {});
  ~AdminServer();  // stops and joins
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  std::uint16_t start();  // binds (throws if it cannot) and serves on its own thread; returns the port
  void stop();

 private:
  AdminOptions options_;
  std::vector<ReadinessCheck> checks_;
  std::function<void()> before_metrics_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

}  // namespace capif::http
