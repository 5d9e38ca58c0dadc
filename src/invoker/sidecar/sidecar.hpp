#pragma once
// The sidecar: onboards if needed, discovers the configured APIs, negotiates their security methods, then
// forwards plain-HTTP calls on 127.0.0.1 (/<apiName>/<rest>) to the right AEF with the negotiated method,
// keeping tokens fresh and renegotiating when an AEF says the method is no longer valid (TS 33.122 6.7).
#include "capif/http/server.hpp"
#include "invoker/client/aef_client.hpp"
#include "invoker/client/ccf_client.hpp"
#include "invoker/sidecar/config.hpp"
#include "invoker/state/state_dir.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace capif::invoker {

using CcfClientFactory =
    std::function<std::unique_ptr<CcfApi>(const CcfSettings&, const InvokerIdentity*, CcfClientOptions)>;

class Sidecar {
 public:
  explicit Sidecar(SidecarConfig config, CcfClientFactory factory = make_ccf_client);
  ~Sidecar();

  // Onboard (if needed), discover, negotiate, check-authentication, tokens. Throws InvokerError.
  void prepare();
  std::uint16_t listen();
  void run();  // serves until stop() or SIGTERM/SIGINT
  void stop();
  nlohmann::json summary() const;  // {apiInvokerId, listening, apis: [{apiName, aefId, securityMethod, url}]}

 private:
  boost::asio::awaitable<http::Response> handle(http::RequestContext& ctx, std::string api_name);
  void build_targets();                        // needs ccf_mu_ held
  void refresh_token(const std::string& aef);  // needs ccf_mu_ held
  void renegotiate(std::uint64_t seen_generation);
  void refresh_loop();
  std::optional<AefTarget> target(const std::string& api_name) const;

  SidecarConfig config_;
  CcfClientFactory factory_;
  std::unique_ptr<StateDir> state_;
  CcfSettings ccf_settings_;
  InvokerIdentity identity_;
  std::unique_ptr<CcfApi> ccf_;
  std::mutex ccf_mu_;  // CCF client and state directory
  mutable std::mutex targets_mu_;
  std::map<std::string, AefTarget> targets_;  // by apiName
  std::map<std::string, Token> tokens_;       // by aefId (OAUTH)
  std::atomic<std::uint64_t> generation_{0};  // bumped by every renegotiation
  std::unique_ptr<AefConnector> connector_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread refresher_;
};

}  // namespace capif::invoker
