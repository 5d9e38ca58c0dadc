#include "aef/gateway/gateway.hpp"

#include "aef/gateway/authorize.hpp"
#include "capif/metrics.hpp"
#include "capif/problem.hpp"

#include <spdlog/spdlog.h>

namespace capif::aef {

// Called for every forwarded call (the invocation log): civil-from-days arithmetic (H. Hinnant's
// algorithm) and hand-written digits, because glibc's gmtime_r takes a process-wide lock and snprintf
// is slow.
std::string rfc3339_utc(std::int64_t unix_ms) {
  auto floor_div = [](std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
  };
  const std::int64_t secs = floor_div(unix_ms, 1000), days = floor_div(secs, 86400);
  const auto ms = static_cast<int>(unix_ms - secs * 1000), sod = static_cast<int>(secs - days * 86400);
  const std::int64_t z = days + 719468, era = floor_div(z, 146097), doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  const auto day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1),
             month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const std::int64_t year = yoe + era * 400 + (month <= 2);
  if (year < 0 || year > 9999) return "0000-01-01T00:00:00.000Z";  // not a time a call happens at
  char buf[] = "0000-00-00T00:00:00.000Z";
  auto put = [&buf](int at, int width, std::int64_t v) {
    for (int i = at + width - 1; i >= at; --i, v /= 10) buf[i] = static_cast<char>('0' + v % 10);
  };
  put(0, 4, year);
  put(5, 2, month);
  put(8, 2, day);
  put(11, 2, sod / 3600);
  put(14, 2, sod / 60 % 60);
  put(17, 2, sod % 60);
  put(20, 3, ms);
  return std::string(buf, sizeof buf - 1);
}

namespace {
std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ApiError token_error(const TokenCheck& t) {
  if (t.status == 403) return ApiError(403, "Forbidden", t.detail, "INSUFFICIENT_SCOPE");
  return ApiError::invalid_token(t.detail);
}
}  // namespace

Gateway::Gateway(GatewayOptions options, CcfClient& ccf, SecurityCache& cache, AclEnforcer& acl,
                 LogQueue& logs, Upstream& upstream, Clock clock)
    : opt_(std::move(options)),
      ccf_(ccf),
      cache_(cache),
      acl_(acl),
      logs_(logs),
      upstream_(upstream),
      clock_(clock ? std::move(clock) : Clock(system_now_ms)) {}

boost::asio::awaitable<int> Gateway::fetch_security(const std::string& invoker,
                                                    std::optional<std::string> onboarded_ccf_id) {
  std::string ccf_id;
  if (onboarded_ccf_id)
    ccf_id = *onboarded_ccf_id;
  else if (auto known = cache_.get(invoker))
    ccf_id = known->onboarded_ccf_id;  // a remote invoker stays remote for refetches
  auto r = co_await ccf_.trusted_invoker(invoker, ccf_id);
  if (r.ok()) {
    try {
      auto sec = parse_service_security(r.body, opt_.aef_id, opt_.address, opt_.port, opt_.apis);
      sec.onboarded_ccf_id = ccf_id;
      trust_client_cas(sec);
      cache_.put(invoker, std::move(sec));
      co_return 200;
    } catch (const std::exception& e) {
      spdlog::error("the CCF's security information for {} is malformed: {}", invoker, e.what());
      co_return 0;
    }
  }
  if (!r.error.empty()) {
    spdlog::warn("cannot fetch the security information of {}: {}", invoker, r.error);
    co_return 0;
  }
  // Only an answer about the context we hold drops it: check-authentication is open to anyone, and a
  // refusal for another onboarded CCF says nothing about the context fetched for the right one.
  if (r.status == 403 || r.status == 404)
    if (auto known = cache_.get(invoker); !known || known->onboarded_ccf_id == ccf_id) cache_.erase(invoker);
  co_return r.status;
}

void Gateway::trust_client_cas(const InvokerSecurity& sec) {
  if (!opt_.trust_client_ca) return;
  std::lock_guard lock(anchors_mutex_);
  for (const auto& e : sec.entries) {
    if (e.ca_fingerprint.empty() || !trusted_anchors_.insert(e.ca_fingerprint).second) continue;
    try {
      opt_.trust_client_ca(e.ca_pem);
      spdlog::info("client certificates issued by CA {} are accepted from now on", e.ca_fingerprint);
    } catch (const std::exception& ex) {
      trusted_anchors_.erase(e.ca_fingerprint);  // try again with the next fetch
      spdlog::error("cannot trust the invoker CA {}: {}", e.ca_fingerprint, ex.what());
    }
  }
}

boost::asio::awaitable<bool> Gateway::refresh_jwks() {
  {
    std::lock_guard lock(jwks_mutex_);
    const auto min_interval = std::min(opt_.jwks_refresh_min_ms, opt_.jwks_max_age_ms);
    if (jwks_fetched_ms_ >= 0 && now_ms() - jwks_fetched_ms_ < min_interval)
      co_return !jwks_.empty();
    jwks_fetched_ms_ = now_ms();
  }
  auto r = co_await ccf_.jwks();
  auto keys = r.ok() ? parse_jwks(r.body) : JwksKeys{};
  std::lock_guard lock(jwks_mutex_);
  if (!keys.empty()) {
    jwks_ = std::move(keys);
    verified_.clear();
  } else {
    spdlog::warn("cannot get the CCF's token keys (JWKS): {}", r.ok() ? "no usable key" : r.describe());
    jwks_fetched_ms_ = now_ms() - opt_.jwks_refresh_min_ms + 1000;  // try again in a second
  }
  co_return !jwks_.empty();
}

boost::asio::awaitable<std::string> Gateway::authenticate(const http::Request& req, const http::TlsInfo& tls,
                                                          const PublishedApi& api, std::string& method) {
  Presented p = identify(tls, req.header("authorization"));
  method = method_name(p.kind);
  // TS 33.122 6.7: a method the APF no longer publishes for this API is refused with an indication the
  // invoker can act on (renegotiate), whatever the invoker negotiated before.
  const bool credential = p.kind == Presented::psk || p.kind == Presented::pki || p.kind == Presented::oauth;
  if (credential && !api.methods.empty() &&
      std::find(api.methods.begin(), api.methods.end(), method) == api.methods.end())
    throw method_invalid(method + " is no longer a security method of " + api.apiName + "; negotiate again");
  switch (p.kind) {
    case Presented::none:
      throw ApiError::unauthorized(
          "this API needs TLS-PSK, a client certificate issued by the CCF, or an access token "
          "(Authorization: Bearer)");
    case Presented::untrusted_cert:
      throw ApiError::unauthorized("the client certificate is not issued by the CCF or is not valid now");
    case Presented::psk:
      require_negotiated(p.kind, cache_.get(p.invoker), api, cache_.psk(p.invoker), "");
      co_return p.invoker;
    case Presented::pki: {
      auto sec = cache_.get(p.invoker);
      if (!sec) {
        co_await fetch_security(p.invoker);
      } else {
        co_await refresh_if_renegotiated(p.invoker, api, "PKI");
      }
      sec = cache_.get(p.invoker);
      require_negotiated(p.kind, sec, api, std::nullopt, tls.client_anchor_fingerprint);
      co_return p.invoker;
    }
    case Presented::oauth:
      break;
  }
  const auto now = now_ms();
  // After a rotation the CCF keeps the previous key in its JWKS for the token lifetime only; refetching a
  // set this old lets that key go here too, and empties the cache of tokens verified with it (a failed
  // refetch keeps what we have). Before the cache: a cached token must not outlive its key.
  const auto fetched = jwks_fetched_ms_.load();
  if (fetched >= 0 && now - fetched >= opt_.jwks_max_age_ms) co_await refresh_jwks();
  if (auto hit = verified_.find(api.apiName, p.token, now / 1000, opt_.token_leeway_s)) {
    co_await refresh_if_renegotiated(hit->invoker, api, "OAUTH");
    co_return accept_token(p, *hit, api);
  }
  JwksKeys keys;
  {
    std::lock_guard lock(jwks_mutex_);
    keys = jwks_;
  }
  if (keys.empty()) {
    if (!co_await refresh_jwks())
      throw ApiError(503, "Service Unavailable", "the CCF's token verification key is not available yet",
                     "TOKEN_KEY_UNAVAILABLE");
    std::lock_guard lock(jwks_mutex_);
    keys = jwks_;
  }
  auto t = check_access_token(p.token, keys, opt_.aef_id, api.apiName, now / 1000, opt_.token_leeway_s);
  if (t.error == "unknown_key" && co_await refresh_jwks()) {  // the CCF may have rotated its key
    std::lock_guard lock(jwks_mutex_);
    t = check_access_token(p.token, jwks_, opt_.aef_id, api.apiName, now / 1000, opt_.token_leeway_s);
  }
  if (!t.ok) throw token_error(t);
  verified_.remember(api.apiName, p.token, t);
  co_await refresh_if_renegotiated(t.invoker, api, "OAUTH");
  co_return accept_token(p, t, api);
}

boost::asio::awaitable<void> Gateway::refresh_if_renegotiated(const std::string& invoker, const PublishedApi& api,
                                                              const std::string& method) {
  auto sec = cache_.get(invoker);
  const SecurityEntry* e = sec ? sec->entry_for(api) : nullptr;
  if (!e || e->method == method) co_return;
  const auto now = now_ms();
  {
    std::lock_guard lock(refetch_mutex_);
    auto& last = refetched_ms_[invoker];
    if (now - last < 1000) co_return;
    last = now;
  }
  co_await fetch_security(invoker);
}

std::string Gateway::accept_token(const Presented& p, const TokenCheck& t, const PublishedApi& api) {
  if (!p.invoker.empty() && p.invoker != t.invoker)
    throw ApiError::unauthorized("the access token belongs to another invoker than the client certificate");
  if (auto revoked = cache_.revoked_at(t.invoker, api.apiName); revoked > 0 && t.iat <= revoked)
    throw ApiError::invalid_token("the invoker's authorization was revoked after this token was issued");
  require_oauth_allowed(cache_.get(t.invoker), api);
  return t.invoker;
}

boost::asio::awaitable<void> Gateway::enforce_acl(const PublishedApi& api, const std::string& invoker) {
  const auto now = now_ms();
  auto cached = acl_.cached(api.apiId, invoker);
  std::optional<InvokerPolicy> policy;
  if (cached && now - cached->fetched_ms < opt_.acl_refresh_ms) {
    policy = cached->policy;
  } else {
    auto r = co_await ccf_.access_control_policy(api.apiId, invoker);
    if (r.ok()) {
      policy = parse_access_control_policy(r.body, invoker);
      acl_.store(api.apiId, invoker, policy, now);
    } else if (r.error.empty() && r.status == 404) {
      acl_.store(api.apiId, invoker, std::nullopt, now);  // no policy: no limits
    } else {
      // CCF unreachable: keep the last policy (none: no limits) and ask again in 5 s.
      if (cached) policy = cached->policy;
      acl_.store(api.apiId, invoker, policy, now - opt_.acl_refresh_ms + 5000);
      spdlog::warn("cannot fetch the access control policy of {} for {}: {}", invoker, api.apiName,
                   r.describe());
    }
  }
  switch (acl_.admit(api.apiId, invoker, policy, now)) {
    case AclVerdict::allow:
      co_return;
    case AclVerdict::over_total:
      throw ApiError(429, "Too Many Requests",
                     "the allowed total number of invocations of " + api.apiName + " is used up",
                     "INVOCATION_LIMIT_REACHED");
    case AclVerdict::over_rate:
      throw ApiError(429, "Too Many Requests",
                     "more invocations of " + api.apiName + " per second than allowed",
                     "INVOCATION_RATE_EXCEEDED");
    case AclVerdict::outside_time:
      throw ApiError(403, "Forbidden", "invocations of " + api.apiName + " are not allowed at this time",
                     "OUTSIDE_ALLOWED_TIME_RANGE");
  }
}

void Gateway::log_call(const http::Request& req, const PublishedApi& api, const std::string& invoker,
                       const std::string& rest, int status, std::int64_t start_ms) {
  // Serialised here, once: the shipper pastes the text into its batch document (see LogRecord).
  const std::string_view path = std::string_view(rest).substr(0, rest.find('?'));
  std::string log;
  log.reserve(256 + 2 * path.size() + api.apiId.size() + api.apiName.size() + api.prefix.size());
  auto field = [&log](std::string_view name, std::string_view value) {
    log += log.empty() ? "{\"" : ",\"";
    log += name;
    log += "\":";
    append_json_string(log, value);
  };
  field("apiId", api.apiId);
  field("apiName", api.apiName);
  field("apiVersion", api.version);
  field("resourceName", path);
  field("uri", api.prefix + std::string(path));
  field("protocol", "HTTP_1_1");
  field("operation", req.method);
  field("result", std::to_string(status));
  field("invocationTime", rfc3339_utc(start_ms));
  log += ",\"invocationLatency\":";
  log += std::to_string(std::max<std::int64_t>(0, now_ms() - start_ms));
  log += '}';
  logs_.push({invoker, std::move(log)});
}

boost::asio::awaitable<http::Response> Gateway::handle(const http::Request& req, const http::TlsInfo& tls,
                                                       const PublishedApi& api, std::string rest) {
  const auto start = now_ms();
  std::string invoker, method;
  std::exception_ptr failure;
  int status = 500;
  try {
    invoker = co_await authenticate(req, tls, api, method);
    co_await enforce_acl(api, invoker);
    const Caller caller{invoker, method, api.apiName,
                        api.apiId};  // named: GCC 12 double-destroys temporaries in co_await
    auto resp = co_await upstream_.forward(req, rest, caller);
    log_call(req, api, invoker, rest, resp.status, start);
    co_return resp;
  } catch (const ApiError& e) {
    status = e.status();
    failure = std::current_exception();
    // Why the gateway said no (token expired, wrong method, ACL, upstream down...): cause is a fixed code.
    metrics::Registry::global().inc("capif_aef_refusals_total",
                                    {{"api", api.apiName},
                                     {"status", std::to_string(status)},
                                     {"cause", e.cause().empty() ? "none" : e.cause()}});
  }
  if (!invoker.empty()) log_call(req, api, invoker, rest, status, start);  // refused calls are logged too
  std::rethrow_exception(failure);
}

}  // namespace capif::aef

namespace capif::aef {

void Gateway::revoke(const std::string& invoker, const std::vector<std::string>& api_ids) {
  std::set<std::string> ids(api_ids.begin(), api_ids.end()), names;
  for (const auto& a : opt_.apis)
    if (ids.contains(a.apiId)) names.insert(a.apiName);
  cache_.revoke(invoker, ids, names, now_ms() / 1000);
  acl_.forget(invoker);
  spdlog::info("authorization of {} revoked for {}", invoker,
               ids.empty() ? std::string("all APIs") : std::to_string(ids.size()) + " API(s)");
}

}  // namespace capif::aef
