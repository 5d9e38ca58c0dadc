#include "ccf_process.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace capif::testing {
namespace fs = std::filesystem;

std::filesystem::path ccf_binary() {
  if (const char* env = std::getenv("CAPIF_CCF_BIN")) return env;
  return CAPIF_CCF_BIN;
}

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

namespace {
bool port_open(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}
}  // namespace

CcfProcess::CcfProcess(CcfOptions options) : options_(std::move(options)) {
  dir_ = fs::temp_directory_path() / ("capif-test-" + crypto::random_id(""));
  fs::create_directories(dir_);
  port_ = free_port();
  std::ofstream cfg(config_file());
  cfg << "ccf:\n  id: " << options_.id << "\n  api_root: " << api_root()
      << "\nlisten:\n  address: 127.0.0.1\n"
      << "  port: " << port_ << "\n  threads: " << options_.threads
      << "\ndata_dir: data\nlog:\n  level: warn\n"
      << "  file: ccf.log\n"
      << options_.extra_yaml;
}

CcfProcess::~CcfProcess() {
  if (pid_ > 0) terminate();
  std::error_code ec;
  if (!std::getenv("CAPIF_KEEP_TEST_DIRS")) fs::remove_all(dir_, ec);
}

std::string CcfProcess::api_root() const {
  return "https://127.0.0.1:" + std::to_string(port_);
}

void CcfProcess::append_config(const std::string& yaml) const {
  std::ofstream cfg(config_file(), std::ios::app);
  cfg << yaml;
}

void CcfProcess::start() {
  pid_ =
      spawn_and_wait({ccf_binary().string(), "--config", config_file().string()}, dir_ / "stdout.log", port_);
}

int CcfProcess::terminate() {
  int status = stop_child(pid_);
  pid_ = -1;
  return status;
}

void CcfProcess::kill9() {
  stop_child(pid_, true);
  pid_ = -1;
}

pid_t spawn_and_wait(const std::vector<std::string>& argv, const std::filesystem::path& log,
                     std::uint16_t port, int timeout_ms) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  for (int waited = 0; waited < timeout_ms; waited += 25) {
    if (port_open(port)) return pid;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid)
      throw std::runtime_error(argv[0] + " exited at start; see " + log.string());
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  stop_child(pid, true);
  throw std::runtime_error(argv[0] + " did not open port " + std::to_string(port) + "; see " + log.string());
}

int stop_child(pid_t pid, bool hard) {
  if (pid <= 0) return -1;
  int status = 0;
  if (!hard) {
    ::kill(pid, SIGTERM);
    for (int i = 0; i < 400; ++i) {  // 10 s, then SIGKILL
      if (::waitpid(pid, &status, WNOHANG) == pid) return status;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

std::string run_capture(const std::string& command, int* status) {
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + command);
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int st = ::pclose(p);
  if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

std::string CcfProcess::ca_pem() const {
  return crypto::read_file(dir_ / "data" / "ca.crt");
}

std::string CcfProcess::run_command(const std::string& args, int* status) const {
  return run_capture(
      ccf_binary().string() + " " + args + " --config " + config_file().string() + " 2>/dev/null", status);
}

std::string CcfProcess::credential(const std::string& role, int ttl_seconds) const {
  int status = 0;
  std::string out =
      run_command("credential --role " + role + " --ttl " + std::to_string(ttl_seconds), &status);
  if (status != 0) throw std::runtime_error("capif-ccf credential failed");
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace capif::testing
