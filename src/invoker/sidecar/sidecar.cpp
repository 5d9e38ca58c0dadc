#include "invoker/sidecar/sidecar.hpp"

#include "capif/crypto/files.hpp"
#include "capif/problem.hpp"
#include "invoker/client/operations.hpp"
#include "invoker/client/scope.hpp"
#include "invoker/errors.hpp"

#include <spdlog/spdlog.h>

#include <set>

namespace capif::invoker {
using nlohmann::json;

Sidecar::Sidecar(SidecarConfig config, CcfClientFactory factory)
    : config_(std::move(config)), factory_(std::move(factory)) {}

Sidecar::~Sidecar() {
  stop();
  if (refresher_.joinable()) refresher_.join();
  // Pooled AEF connections live on the server's event loop: close them while it still exists.
  connector_.reset();
}

void Sidecar::prepare() {
  state_ = std::make_unique<StateDir>(config_.state_dir);
  ccf_settings_.api_root = config_.ccf.api_root;
  try {
    ccf_settings_.ca_pem = crypto::read_file(config_.ccf.ca_file);
  } catch (const std::exception& e) {
    throw usage_error("ccf.ca_file: " + std::string(e.what()));
  }
  ccf_settings_.notification_destination = config_.ccf.notification_destination;
  // The onboarded CCF's id survives restarts in ccf.json (learnt at onboarding); the config overrides it.
  ccf_settings_.ccf_id = config_.ccf.ccf_id;
  if (ccf_settings_.ccf_id.empty()) {
    try {
      if (auto stored = state_->load_ccf()) ccf_settings_.ccf_id = stored->ccf_id;
    } catch (const std::exception& e) {
      spdlog::warn("the stored CCF settings are unreadable ({}); they are written anew", e.what());
    }
  }
  state_->save_ccf(ccf_settings_);
  std::lock_guard lock(ccf_mu_);
  if (!state_->onboarded()) {
    if (config_.ccf.credential_file.empty())
      throw usage_error("not onboarded and ccf.credential_file is not set");
    std::string cred;
    try {
      cred = crypto::read_file(config_.ccf.credential_file);
    } catch (const std::exception& e) {
      throw usage_error("ccf.credential_file: " + std::string(e.what()));
    }
    while (!cred.empty() && (cred.back() == '\n' || cred.back() == '\r' || cred.back() == ' '))
      cred.pop_back();
    auto anon = factory_(ccf_settings_, nullptr, {});
    auto r = onboard(*state_, *anon, cred);
    spdlog::info("onboarded as {} at CCF {}", r.value("apiInvokerId", ""), r.value("ccfId", ""));
    ccf_settings_.ccf_id = state_->require_ccf().ccf_id;  // onboarding learnt it
  }
  identity_ = state_->require_identity();
  ccf_ = factory_(ccf_settings_, &identity_, {.tls12_for_negotiation = config_.ccf.tls12});
  connector_ = std::make_unique<AefConnector>(ccf_settings_, identity_);

  std::vector<NegotiationRequest> requests;
  for (const auto& api : config_.apis) {
    auto found = discover(*state_, *ccf_, api.api_name,
                          api.aef_id.empty() ? std::nullopt : std::optional<std::string>(api.aef_id));
    std::string aef = api.aef_id, api_id;
    for (const auto& d : found["serviceAPIDescriptions"]) {
      if (d.value("apiName", "") != api.api_name || !d.contains("aefProfiles")) continue;
      for (const auto& p : d["aefProfiles"])
        if (aef.empty() || p.value("aefId", "") == aef) {
          aef = p.value("aefId", "");
          api_id = d.value("apiId", "");
          break;
        }
      if (!api_id.empty()) break;
    }
    if (api_id.empty())
      throw InvokerError(ErrorKind::remote, "discovery found no API " + api.api_name +
                                                (api.aef_id.empty() ? "" : " at AEF " + api.aef_id));
    requests.push_back({aef, api_id, api.methods});
  }
  auto neg = negotiate(*state_, *ccf_, requests);
  spdlog::info("negotiated: {}", neg.dump());
  build_targets();
}

void Sidecar::build_targets() {
  std::map<std::string, AefTarget> fresh;
  std::set<std::string> oauth_aefs, authenticated;
  for (const auto& api : config_.apis) {
    auto t = resolve_target(*state_, api.api_name, api.aef_id);
    if (t.method == "PSK" || t.method == "PKI") {
      if (authenticated.insert(t.aef_id + "|" + t.method).second) {
        try {
          auto r = check_authentication(ccf_settings_, identity_, t);
          if (r.status < 200 || r.status >= 300)
            spdlog::warn("AEF {} check-authentication answered {}: {}", t.aef_id, r.status, r.body);
        } catch (const std::exception& e) {
          spdlog::warn("AEF {} check-authentication: {}", t.aef_id, e.what());
        }
      }
    } else if (t.method == "OAUTH") {
      oauth_aefs.insert(t.aef_id);
    }
    fresh[api.api_name] = std::move(t);
  }
  {
    std::lock_guard lock(targets_mu_);
    targets_ = fresh;
  }
  for (const auto& aef : oauth_aefs) refresh_token(aef);
}

void Sidecar::refresh_token(const std::string& aef) {
  ScopeMap scope;
  {
    std::lock_guard lock(targets_mu_);
    for (const auto& [name, t] : targets_)
      if (t.aef_id == aef && t.method == "OAUTH") scope[aef].push_back(t.api_name);
  }
  if (scope.empty()) return;
  obtain_token(*state_, *ccf_, build_scope(scope));
  auto t = usable_token(state_->load_tokens(), aef, scope[aef].front(), 0, unix_now());
  if (!t) throw InvokerError(ErrorKind::remote, "the CCF granted no usable token for AEF " + aef);
  std::lock_guard lock(targets_mu_);
  tokens_[aef] = *t;
  for (auto& [name, target] : targets_)
    if (target.aef_id == aef && target.method == "OAUTH") target.token = t->access_token;
  spdlog::info("token for AEF {} valid until {}", aef, t->expires_at);
}

void Sidecar::renegotiate(std::uint64_t seen_generation) {
  std::lock_guard lock(ccf_mu_);
  if (generation_.load() != seen_generation) return;  // another request renegotiated meanwhile
  spdlog::warn("an AEF says the security method is no longer valid: renegotiating");
  for (const auto& api : config_.apis)
    discover(*state_, *ccf_, api.api_name,
             api.aef_id.empty() ? std::nullopt : std::optional<std::string>(api.aef_id));
  invoker::renegotiate(*state_, *ccf_);
  {
    std::lock_guard tl(targets_mu_);
    for (const auto& [name, t] : targets_) connector_->forget(t.aef_id);
  }
  build_targets();
  ++generation_;
}

std::optional<AefTarget> Sidecar::target(const std::string& api_name) const {
  std::lock_guard lock(targets_mu_);
  auto it = targets_.find(api_name);
  if (it == targets_.end()) return std::nullopt;
  return it->second;
}

namespace {
http::Response problem(int status, const std::string& title, const std::string& detail,
                       const std::string& cause) {
  return http::Response::json(status, ApiError(status, title, detail, cause).to_problem_json().dump(),
                              kProblemJson);
}
const std::set<std::string> kNotForwarded = {
    "host",    "connection",     "keep-alive",   "proxy-connection", "te", "trailer", "transfer-encoding",
    "upgrade", "content-length", "content-type", "authorization"};
}  // namespace

boost::asio::awaitable<http::Response> Sidecar::handle(http::RequestContext& ctx, std::string api_name) {
  const auto& req = ctx.request;
  // The raw target after "/<apiName>" (query included) is forwarded untouched.
  std::string rest = req.target.substr(1 + api_name.size());
  if (rest.empty()) rest = "/";
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto generation = generation_.load();
    auto t = target(api_name);
    if (!t) co_return problem(404, "Not Found", "no API " + api_name + " at this sidecar", "");
    if (t->method == "OAUTH") {
      std::int64_t expires_at = 0;
      {
        std::lock_guard lock(targets_mu_);
        expires_at = tokens_.count(t->aef_id) ? tokens_[t->aef_id].expires_at : 0;
      }
      if (expires_at - config_.token_refresh_margin_s <= unix_now()) {
        try {
          std::lock_guard lock(ccf_mu_);
          refresh_token(t->aef_id);
        } catch (const std::exception& e) {
          co_return problem(502, "Bad Gateway", std::string("cannot obtain an access token: ") + e.what(),
                            "");
        }
        t = target(api_name);
      }
    }
    http::ClientRequest out;
    out.method = req.method;
    out.body = req.body;
    if (auto* ct = req.header("content-type")) out.content_type = *ct;
    for (const auto& [k, v] : req.headers)
      if (!kNotForwarded.count(k)) out.headers.emplace_back(k, v);
    auto resp = co_await connector_->forward(*t, rest, std::move(out));
    if (!resp.ok())
      co_return problem(502, "Bad Gateway", "AEF " + t->aef_id + " did not answer: " + resp.error, "");
    if (attempt == 0 && security_method_invalid(resp.status, resp.body)) {
      try {
        renegotiate(generation);
      } catch (const std::exception& e) {
        co_return problem(502, "Bad Gateway", std::string("renegotiation failed: ") + e.what(), "");
      }
      continue;
    }
    http::Response r;
    r.status = resp.status;
    r.body = std::move(resp.body);
    if (auto* ct = resp.header("content-type")) r.content_type = *ct;
    for (const char* h : {"location", "retry-after", "www-authenticate", "cache-control", "etag"})
      if (auto* v = resp.header(h)) r.headers.emplace_back(h, *v);
    co_return r;
  }
  co_return problem(502, "Bad Gateway", "the AEF still refuses the renegotiated security method",
                    "SECURITY_METHOD_INVALID");
}

std::uint16_t Sidecar::listen() {
  http::Router router;
  static const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"};
  http::RouteOptions opts;
  opts.auth = http::ClientAuth::optional;
  for (const auto& api : config_.apis) {
    std::string tmpl = "/" + api.api_name;
    for (int depth = 0; depth <= 16; ++depth) {
      if (depth) tmpl += "/{p" + std::to_string(depth) + "}";
      for (const char* m : kMethods)
        router.add(
            m, tmpl, [this, name = api.api_name](http::RequestContext& ctx) { return handle(ctx, name); },
            opts);
    }
  }
  http::ServerConfig sc;
  sc.address = config_.listen.address;
  sc.port = config_.listen.port;
  sc.threads = 1;  // handlers share the AEF connection pools
  sc.plaintext = true;
  sc.limits.body_bytes = 8 * 1024 * 1024;
  sc.limits.read_timeout = std::chrono::milliseconds(config_.request_timeout_ms);
  server_ =
      std::make_unique<http::Server>(sc, std::move(router), [](const http::TlsInfo&) { return Principal{}; });
  port_ = server_->listen();
  return port_;
}

void Sidecar::refresh_loop() {
  std::unique_lock lock(stop_mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, std::chrono::seconds(1));
    if (stopping_) break;
    lock.unlock();
    std::vector<std::string> due;
    {
      std::lock_guard tl(targets_mu_);
      for (const auto& [aef, tok] : tokens_)
        if (tok.expires_at - config_.token_refresh_margin_s <= unix_now()) due.push_back(aef);
    }
    for (const auto& aef : due) {
      try {
        std::lock_guard cl(ccf_mu_);
        refresh_token(aef);
      } catch (const std::exception& e) {
        spdlog::warn("token refresh for AEF {} failed: {}", aef, e.what());
      }
    }
    lock.lock();
  }
}

void Sidecar::run() {
  refresher_ = std::thread([this] { refresh_loop(); });
  server_->run();
  stop();
  if (refresher_.joinable()) refresher_.join();
}

void Sidecar::stop() {
  {
    std::lock_guard lock(stop_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (server_) server_->stop();
}

json Sidecar::summary() const {
  json apis = json::array();
  std::lock_guard lock(targets_mu_);
  for (const auto& [name, t] : targets_)
    apis.push_back({{"apiName", name},
                    {"aefId", t.aef_id},
                    {"apiId", t.api_id},
                    {"securityMethod", t.method},
                    {"aef_url", aef_api_url(t.profile, "/")}});
  return {{"apiInvokerId", identity_.invoker_id},
          {"listening", "http://127.0.0.1:" + std::to_string(port_)},
          {"apis", apis}};
}

}  // namespace capif::invoker
