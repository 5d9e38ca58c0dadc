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

void CcfProcess::start() {
  const std::string bin = ccf_binary().string(), cfg = config_file().string();
  pid_ = ::fork();
  if (pid_ == 0) {
    int out = ::open((dir_ / "stdout.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execl(bin.c_str(), bin.c_str(), "--config", cfg.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  for (int i = 0; i < 200; ++i) {
    if (port_open(port_)) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("capif-ccf exited at start; see " + (dir_ / "stdout.log").string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error("capif-ccf did not open its port within 5 s");
}

int CcfProcess::terminate() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 400; ++i) {  // 10 s, then SIGKILL
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  kill9();
  return -1;
}

void CcfProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string CcfProcess::ca_pem() const {
  return crypto::read_file(dir_ / "data" / "ca.crt");
}

std::string CcfProcess::run_command(const std::string& args, int* status) const {
  const std::string cmd =
      ccf_binary().string() + " " + args + " --config " + config_file().string() + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + cmd);
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  int st = ::pclose(p);
  if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
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
