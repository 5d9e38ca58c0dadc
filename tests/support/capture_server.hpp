#pragma once
// An in-process HTTP(S) server that records every POST it receives: stands in for an invoker's
// notification endpoint (plain HTTP) or an AEF's AEF_Security_API (TLS with the AEF's certificate).
#include "capif/http/server.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace capif::testing {

struct CapturedRequest {
  std::string path;
  std::string content_type;
  std::string body;
  std::string client_cn;           // verified client certificate CN ("" on plain HTTP)
  std::string client_fingerprint;  // SHA-256 of the verified client certificate ("" on plain HTTP)
};

class CaptureServer {
 public:
  // Plain HTTP on 127.0.0.1 (on `port`, when given: a callback that comes up where one was down).
  explicit CaptureServer(std::uint16_t port = 0);
  // HTTPS with this certificate; client certificates chaining to client_ca_pem are verified.
  CaptureServer(const std::string& cert_pem, const std::string& key_pem, const std::string& client_ca_pem);
  ~CaptureServer();

  std::uint16_t port() const { return port_; }
  // Waits until at least n requests arrived (or the timeout passed); returns what arrived.
  std::vector<CapturedRequest> wait_for(std::size_t n, std::chrono::milliseconds timeout);
  // The status every request is answered with from now on (200 by default; 204 has no body).
  void set_status(int status) { status_ = status; }

 private:
  void start(http::ServerConfig cfg);
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<CapturedRequest> requests_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  std::atomic<int> status_{200};
};

}  // namespace capif::testing
