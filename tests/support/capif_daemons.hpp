#pragma once
// The real capif-aef and capif-invoker executables driven from tests, beside a CcfProcess.
#include "ccf_process.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace capif::testing {

struct AefApi {
  std::string name;
  std::string prefix;
  std::vector<std::string> methods{"PSK", "PKI", "OAUTH"};
  bool shareable = false;  // published to the CCF's peers (CAPIF-6/6e)
};

struct AefOptions {
  std::vector<AefApi> apis{{"weather", "/weather"}};
  std::string upstream_url;  // empty: the built-in demo API
  std::string extra_yaml;    // appended to the generated config
};

class AefProcess {
 public:
  AefProcess(const CcfProcess& ccf, AefOptions options = {});
  ~AefProcess();
  void start();  // registers/publishes (first start) and returns once the gateway listens
  int terminate();
  void kill9();

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }  // for SIGHUP
  const std::filesystem::path& dir() const { return dir_; }
  nlohmann::json provider_state()
      const;  // data/provider.json: apiProvDomId, amfId, apfId, aefId, publications
  std::string aef_id() const { return provider_state().at("aefId"); }
  std::string base_url() const { return "https://127.0.0.1:" + std::to_string(port_); }

 private:
  std::filesystem::path dir_;
  std::uint16_t port_;
  pid_t pid_ = -1;
};

// One invoker's state directory and the capif-invoker CLI run on it.
class InvokerCli {
 public:
  explicit InvokerCli(const CcfProcess& ccf);
  InvokerCli(const CcfProcess& ccf, std::filesystem::path state);  // an existing state directory
  ~InvokerCli();

  struct Result {
    int status = -1;     // exit code
    nlohmann::json out;  // stdout parsed as JSON ({} when it is not)
    std::string raw;     // stdout + stderr
  };
  // Runs `capif-invoker <command> --state DIR <args>`.
  Result run(const std::string& command, const std::string& args = {}) const;
  Result onboard() const;
  const std::filesystem::path& state() const { return state_; }
  std::string invoker_id() const;

 private:
  const CcfProcess& ccf_;
  std::filesystem::path dir_, state_;
};

// capif-invoker run --config FILE: the sidecar, with its YAML written from SidecarOptions.
struct SidecarApi {
  std::string api_name;
  std::vector<std::string> methods;  // preference order
  std::string aef_id;                // empty: the first AEF discovery returns
};

struct SidecarOptions {
  std::vector<SidecarApi> apis{{"weather", {"PSK", "PKI", "OAUTH"}}};
  std::string listen_address = "127.0.0.1";
  int token_refresh_margin_s = 60;
  std::filesystem::path state_dir;  // empty: a fresh one in the sidecar's folder (the sidecar onboards)
  std::string extra_yaml;           // appended to the generated config
};

class SidecarProcess {
 public:
  SidecarProcess(const CcfProcess& ccf, SidecarOptions options = {});
  ~SidecarProcess();
  void start();  // onboards/discovers/negotiates, returns once the local port accepts connections
  // Runs the sidecar in the foreground until it exits (for configuration errors): exit status + output.
  int run_to_exit(std::string* output = nullptr) const;
  int terminate();

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& api_name, const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + api_name + path;
  }
  const std::filesystem::path& state_dir() const { return state_; }
  const std::filesystem::path& config_file() const { return config_; }
  std::string log() const;         // the sidecar's stdout + stderr so far
  nlohmann::json summary() const;  // the JSON line printed once it listens ({} before)

 private:
  std::filesystem::path dir_, state_, config_;
  std::uint16_t port_;
  pid_t pid_ = -1;
};

std::filesystem::path aef_binary();
std::filesystem::path invoker_binary();

}  // namespace capif::testing
