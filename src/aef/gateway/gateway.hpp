#pragma once
// The CAPIF-2e enforcement path of one request: identify -> authenticate/authorize with the negotiated
// method -> access control policy -> forward (or demo) -> invocation log.
#include "aef/ccf_client.hpp"
#include "aef/gateway/acl.hpp"
#include "aef/gateway/authorize.hpp"
#include "aef/gateway/log_queue.hpp"
#include "aef/gateway/security_cache.hpp"
#include "aef/gateway/token.hpp"
#include "aef/gateway/upstream.hpp"
#include "capif/http/message.hpp"

#include <atomic>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <map>
#include <set>
#include <string>

namespace capif::aef {

struct GatewayOptions {
  std::string aef_id;
  std::string address;  // published ipv4Addr / port: used to match interfaceDetails of security info
  int port = 0;
  std::int64_t token_leeway_s = 30;
  std::int64_t acl_refresh_ms = 60000;
  std::int64_t jwks_refresh_min_ms = 60000;
  std::int64_t jwks_max_age_ms = 300000;  // keys older than this are refetched: a key the CCF dropped goes
  std::vector<PublishedApi> apis;
  // Makes the listener trust one more CA for client certificates (http::Server::add_client_trust_anchor):
  // called once per CA named by a fetched PKI entry, e.g. the CA of a remote invoker's CCF. May throw.
  std::function<void(const std::string& ca_pem)> trust_client_ca;
};

class Gateway {
 public:
  using Clock = std::function<std::int64_t()>;  // unix milliseconds
  Gateway(GatewayOptions options, CcfClient& ccf, SecurityCache& cache, AclEnforcer& acl, LogQueue& logs,
          Upstream& upstream, Clock clock = {});

  // An API call under api.prefix; rest_target is what follows the prefix ("/x?y", or "/" when nothing).
  boost::asio::awaitable<http::Response> handle(const http::Request& req, const http::TlsInfo& tls,
                                                const PublishedApi& api, std::string rest_target);

  // Fetches the invoker's security information from the CCF and caches it. Returns the CCF's status
  // (200, 403, 404 ...) or 0 when the CCF could not be reached. onboarded_ccf_id: the invoker's CCF when it
  // is not ours (check-authentication onboardedCcfId); nullopt = the one kept with the cached entry, if any.
  boost::asio::awaitable<int> fetch_security(const std::string& invoker,
                                             std::optional<std::string> onboarded_ccf_id = std::nullopt);
  boost::asio::awaitable<bool> refresh_jwks();  // true when at least one key is known afterwards

  // revoke-authorization: drops cached keys/policies of the invoker for these APIs (all when empty).
  void revoke(const std::string& invoker, const std::vector<std::string>& api_ids);

  const GatewayOptions& options() const { return opt_; }
  std::int64_t now_ms() const { return clock_(); }

 private:
  // The checks of a verified token that do not depend on its signature: caller, revocation, method.
  std::string accept_token(const Presented& p, const TokenCheck& t, const PublishedApi& api);
  boost::asio::awaitable<std::string> authenticate(const http::Request& req, const http::TlsInfo& tls,
                                                   const PublishedApi& api, std::string& method);
  void trust_client_cas(const InvokerSecurity& sec);
  // The cached method for this API is not `method`: the invoker may have renegotiated since we fetched
  // (TS 33.122 6.7). Fetch again (at most once a second per invoker) before the caller decides.
  boost::asio::awaitable<void> refresh_if_renegotiated(const std::string& invoker, const PublishedApi& api,
                                                       const std::string& method);
  boost::asio::awaitable<void> enforce_acl(const PublishedApi& api, const std::string& invoker);
  void log_call(const http::Request& req, const PublishedApi& api, const std::string& invoker,
                const std::string& rest, int status, std::int64_t start_ms);

  GatewayOptions opt_;
  CcfClient& ccf_;
  SecurityCache& cache_;
  AclEnforcer& acl_;
  LogQueue& logs_;
  Upstream& upstream_;
  Clock clock_;
  std::mutex jwks_mutex_;
  JwksKeys jwks_;
  VerifiedTokens verified_;
  std::atomic<std::int64_t> jwks_fetched_ms_{-1};  // written under jwks_mutex_; read lock-free per token
  std::mutex anchors_mutex_;
  std::set<std::string> trusted_anchors_;  // fingerprints of the CAs handed to trust_client_ca
  std::mutex refetch_mutex_;
  std::map<std::string, std::int64_t> refetched_ms_;  // invoker -> last refetch on a method mismatch
};

std::string rfc3339_utc(std::int64_t unix_ms);

}  // namespace capif::aef
