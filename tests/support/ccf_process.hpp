#pragma once
// Runs the real capif-ccf executable on a free loopback port with its own config and data directory.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace capif::testing {

struct CcfOptions {
  std::string id = "ccf-test";
  int threads = 2;
  std::string extra_yaml;  // appended to the generated config (e.g. a limits: section)
};

class CcfProcess {
 public:
  explicit CcfProcess(CcfOptions options = {});
  ~CcfProcess();  // SIGTERM, then waits; removes the data directory

  void start();     // returns once the CCF answers on its port
  int terminate();  // SIGTERM and wait; returns the exit status
  void kill9();     // SIGKILL and wait
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }  // for SIGSTOP/SIGCONT (a hung peer)

  std::uint16_t port() const { return port_; }
  const std::string& id() const { return options_.id; }
  std::string api_root() const;
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path config_file() const { return dir_ / "ccf.yaml"; }
  std::string ca_pem() const;
  // Runs `capif-ccf credential` and returns the JWT.
  std::string credential(const std::string& role, int ttl_seconds = 600) const;
  // Appends YAML to the config file (before start(): e.g. a peers: section naming files made by init()).
  void append_config(const std::string& yaml) const;
  // Runs `capif-ccf <args>` with this CCF's config; returns stdout, sets exit status.
  std::string run_command(const std::string& args, int* status = nullptr) const;

 private:
  CcfOptions options_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

std::uint16_t free_port();
std::filesystem::path ccf_binary();

// Forks and execs argv with stdout+stderr appended to `log`, then waits until 127.0.0.1:port accepts
// connections. Throws (with the log's path) if the child exits first or the port stays closed.
pid_t spawn_and_wait(const std::vector<std::string>& argv, const std::filesystem::path& log,
                     std::uint16_t port, int timeout_ms = 10000);
// SIGTERM, wait up to 10 s, then SIGKILL; returns the wait status (-1 after SIGKILL).
int stop_child(pid_t pid, bool hard = false);
// Runs a shell command; returns its stdout and sets the exit status.
std::string run_capture(const std::string& command, int* status = nullptr);

}  // namespace capif::testing
