#include "aef/gateway/upstream.hpp"

#include "capif/http/client.hpp"
#include "capif/problem.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace capif::aef {
namespace {

class HttpUpstream final : public Upstream {
 public:
  HttpUpstream(boost::asio::any_io_executor ex, UpstreamOptions o)
      : base_(o.base_url), client_(ex, [&] {
          http::ClientConfig c;
          c.ca_pem = o.ca_pem;
          c.connect_timeout = o.connect_timeout;
          c.request_timeout = o.request_timeout;
          c.max_body_bytes = o.max_body_bytes;
          c.max_idle_per_origin = o.max_idle;
          c.allow_plain_http = true;
          return c;
        }()) {}

  boost::asio::awaitable<http::Response> forward(const http::Request& req, std::string rest,
                                                 const Caller& caller) override {
    // Hop-by-hop headers and the caller's credentials stay at the gateway.
    static const std::set<std::string> kDrop{
        "authorization",          "connection",   "keep-alive",
        "proxy-connection",       "te",           "trailer",
        "transfer-encoding",      "upgrade",      "host",
        "content-length",         "content-type", "x-capif-api-invoker-id",
        "x-capif-security-method"};
    http::ClientRequest out;
    out.method = req.method;
    out.url = base_ + rest;
    out.body = req.body;
    if (const auto* ct = req.header("content-type")) out.content_type = *ct;
    for (const auto& [k, v] : req.headers)
      if (!kDrop.contains(k)) out.headers.emplace_back(k, v);
    out.headers.emplace_back("X-Capif-Api-Invoker-Id", caller.invoker);
    out.headers.emplace_back("X-Capif-Security-Method", caller.method);
    auto r = co_await client_.request(std::move(out));
    if (!r.ok()) {
      const bool timeout = r.error.find(" within ") != std::string::npos;
      throw ApiError(timeout ? 504 : 502, timeout ? "Gateway Timeout" : "Bad Gateway",
                     "the upstream service failed: " + r.error,
                     timeout ? "UPSTREAM_TIMEOUT" : "UPSTREAM_FAILURE");
    }
    http::Response resp;
    resp.status = r.status;
    resp.body = std::move(r.body);
    if (const auto* ct = r.header("content-type")) resp.content_type = *ct;
    static const std::set<std::string> kKeep{"location", "cache-control", "etag", "last-modified",
                                             "retry-after"};
    for (const auto& [k, v] : r.headers)
      if (kKeep.contains(k)) resp.headers.emplace_back(k, v);
    co_return resp;
  }

 private:
  std::string base_;
  http::HttpsClient client_;
};

class DemoUpstream final : public Upstream {
 public:
  boost::asio::awaitable<http::Response> forward(const http::Request& req, std::string rest,
                                                 const Caller& caller) override {
    auto path = rest.substr(0, rest.find('?'));
    if (path == "/hello" && req.method == "GET")
      co_return http::Response::json(
          200, nlohmann::json{{"hello", caller.invoker}, {"api", caller.api_name}, {"method", caller.method}}
                   .dump());
    if (path == "/echo" && req.method == "POST")
      co_return http::Response::json(200,
                                     nlohmann::json{{"invoker", caller.invoker}, {"body", req.body}}.dump());
    throw ApiError::not_found("the demo API has GET /hello and POST /echo only");
  }
};

}  // namespace

std::unique_ptr<Upstream> make_http_upstream(boost::asio::any_io_executor ex, UpstreamOptions options) {
  return std::make_unique<HttpUpstream>(ex, std::move(options));
}
std::unique_ptr<Upstream> make_demo_upstream() {
  return std::make_unique<DemoUpstream>();
}

}  // namespace capif::aef
