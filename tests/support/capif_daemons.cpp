#include "capif_daemons.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"

#include <fstream>
#include <sstream>

namespace capif::testing {
namespace fs = std::filesystem;
using nlohmann::json;

fs::path aef_binary() {
  return CAPIF_AEF_BIN;
}
fs::path invoker_binary() {
  return CAPIF_INVOKER_BIN;
}

namespace {
fs::path new_dir(const std::string& what) {
  auto d = fs::temp_directory_path() / ("capif-" + what + "-" + crypto::random_id(""));
  fs::create_directories(d);
  return d;
}
void remove_dir(const fs::path& d) {
  std::error_code ec;
  if (!std::getenv("CAPIF_KEEP_TEST_DIRS")) fs::remove_all(d, ec);
}
std::string yaml_list(const std::vector<std::string>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s + "]";
}
}  // namespace

AefProcess::AefProcess(const CcfProcess& ccf, AefOptions options) : dir_(new_dir("aef")), port_(free_port()) {
  crypto::write_file_atomic(dir_ / "ccf-ca.crt", ccf.ca_pem(), false);
  crypto::write_file_atomic(dir_ / "provider.jwt", ccf.credential("provider", 3600), true);
  std::ofstream cfg(dir_ / "aef.yaml");
  cfg << "ccf:\n  id: " << ccf.id() << "\n  api_root: " << ccf.api_root()
      << "\n  ca_file: ccf-ca.crt\n  credential_file: provider.jwt\n"
      << "data_dir: data\nlisten:\n  address: 127.0.0.1\n  port: " << port_ << "\n  threads: 2\napis:\n";
  for (const auto& api : options.apis)
    cfg << "  - apiName: " << api.name << "\n    prefix: " << api.prefix
        << "\n    securityMethods: " << yaml_list(api.methods) << "\n    shareable: " << (api.shareable ? "true" : "false")
        << "\n";
  if (!options.upstream_url.empty()) cfg << "upstream:\n  url: " << options.upstream_url << "\n";
  cfg << "logs:\n  flush_interval_ms: 100\nlog:\n  level: info\n" << options.extra_yaml;
}

AefProcess::~AefProcess() {
  terminate();
  remove_dir(dir_);
}

void AefProcess::start() {
  pid_ = spawn_and_wait({aef_binary().string(), "--config", (dir_ / "aef.yaml").string()},
                        dir_ / "stdout.log", port_);
}

int AefProcess::terminate() {
  int status = stop_child(pid_);
  pid_ = -1;
  return status;
}

void AefProcess::kill9() {
  stop_child(pid_, true);
  pid_ = -1;
}

json AefProcess::provider_state() const {
  return json::parse(crypto::read_file(dir_ / "data" / "provider.json"));
}

InvokerCli::InvokerCli(const CcfProcess& ccf) : ccf_(ccf), dir_(new_dir("invoker")), state_(dir_ / "state") {}
InvokerCli::InvokerCli(const CcfProcess& ccf, fs::path state)
    : ccf_(ccf), dir_(new_dir("invoker")), state_(std::move(state)) {}

InvokerCli::~InvokerCli() {
  remove_dir(dir_);
}

InvokerCli::Result InvokerCli::run(const std::string& command, const std::string& args) const {
  Result r;
  const std::string err = (dir_ / "stderr.txt").string();
  std::string out = run_capture(
      invoker_binary().string() + " " + command + " --state " + state_.string() + " " + args + " 2>" + err,
      &r.status);
  std::string errors;
  try {
    errors = crypto::read_file(err);
  } catch (...) {
  }
  r.raw = out + errors;
  try {
    r.out = json::parse(out);
  } catch (...) {
    r.out = json::object();
  }
  return r;
}

InvokerCli::Result InvokerCli::onboard() const {
  crypto::write_file_atomic(dir_ / "ccf-ca.crt", ccf_.ca_pem(), false);
  crypto::write_file_atomic(dir_ / "invoker.jwt", ccf_.credential("invoker", 3600), true);
  return run("onboard", "--ccf " + ccf_.api_root() + " --ca " + (dir_ / "ccf-ca.crt").string() +
                            " --credential-file " + (dir_ / "invoker.jwt").string());
}

std::string InvokerCli::invoker_id() const {
  return json::parse(crypto::read_file(state_ / "invoker.json")).at("apiInvokerId");
}

SidecarProcess::SidecarProcess(const CcfProcess& ccf, SidecarOptions options)
    : dir_(new_dir("sidecar")),
      state_(options.state_dir.empty() ? dir_ / "state" : options.state_dir),
      config_(dir_ / "sidecar.yaml"),
      port_(free_port()) {
  crypto::write_file_atomic(dir_ / "ccf-ca.crt", ccf.ca_pem(), false);
  crypto::write_file_atomic(dir_ / "invoker.jwt", ccf.credential("invoker", 3600), true);
  std::ofstream cfg(config_);
  cfg << "ccf:\n  api_root: " << ccf.api_root()
      << "\n  ca_file: ccf-ca.crt\n  credential_file: invoker.jwt\nstate_dir: " << state_.string()
      << "\nlisten:\n  address: " << options.listen_address << "\n  port: " << port_
      << "\ntoken_refresh_margin_s: " << options.token_refresh_margin_s << "\napis:\n";
  for (const auto& api : options.apis) {
    cfg << "  - api_name: " << api.api_name << "\n    methods: " << yaml_list(api.methods) << "\n";
    if (!api.aef_id.empty()) cfg << "    aef_id: " << api.aef_id << "\n";
  }
  cfg << options.extra_yaml;
}

SidecarProcess::~SidecarProcess() {
  terminate();
  remove_dir(dir_);
}

void SidecarProcess::start() {
  pid_ = spawn_and_wait({invoker_binary().string(), "run", "--config", config_.string()}, dir_ / "output.log",
                        port_, 15000);
}

int SidecarProcess::run_to_exit(std::string* output) const {
  int status = -1;
  std::string out =
      run_capture(invoker_binary().string() + " run --config " + config_.string() + " 2>&1", &status);
  if (output) *output = out;
  return status;
}

int SidecarProcess::terminate() {
  int status = stop_child(pid_);
  pid_ = -1;
  return status;
}

std::string SidecarProcess::log() const {
  try {
    return crypto::read_file(dir_ / "output.log");
  } catch (...) {
    return {};
  }
}

json SidecarProcess::summary() const {
  std::istringstream in(log());
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("{\"apiInvokerId\"")) return json::parse(line, nullptr, false);
  return json::object();
}

}  // namespace capif::testing
