#include "capture_server.hpp"

namespace capif::testing {

CaptureServer::CaptureServer(std::uint16_t port) {
  http::ServerConfig cfg;
  cfg.plaintext = true;
  cfg.port = port;
  start(std::move(cfg));
}

CaptureServer::CaptureServer(const std::string& cert_pem, const std::string& key_pem,
                             const std::string& client_ca_pem) {
  http::ServerConfig cfg;
  cfg.cert_chain_pem = cert_pem;
  cfg.key_pem = key_pem;
  cfg.client_ca_pem = client_ca_pem;
  start(std::move(cfg));
}

void CaptureServer::start(http::ServerConfig cfg) {
  cfg.threads = 1;
  cfg.handle_signals = false;
  http::Router router;
  for (const char* method : {"POST", "GET", "PUT", "DELETE"})
    router.add(method, "/{a}/{b}/{c}",
               [this](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
                 {
                   std::lock_guard lock(mutex_);
                   const bool verified = rc.tls.client_cert_verified;
                   requests_.push_back({rc.request.path, rc.request.media_type(), rc.request.body,
                                        verified ? rc.tls.client_cn : std::string(),
                                        verified ? rc.tls.client_fingerprint : std::string()});
                 }
                 cv_.notify_all();
                 const int status = status_;
                 if (status == 204) co_return http::Response::no_content();
                 co_return http::Response::json(status, R"({"supportedFeatures":"0"})");
               },
               {http::ClientAuth::optional, {}});
  server_ = std::make_unique<http::Server>(cfg, std::move(router),
                                           [](const http::TlsInfo&) { return Principal{}; });
  port_ = server_->listen();
  thread_ = std::thread([this] { server_->run(); });
}

CaptureServer::~CaptureServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::vector<CapturedRequest> CaptureServer::wait_for(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  return requests_;
}

}  // namespace capif::testing
