#pragma once
// Where an authorized request goes: the configured upstream service, or the built-in demo API.
#include "capif/http/message.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>

namespace capif::aef {

struct Caller {
  std::string invoker, method, api_name, api_id;
};

class Upstream {
 public:
  virtual ~Upstream() = default;
  // rest_target: the request target after the API prefix ("/items?x=1"), always starting with '/'.
  virtual boost::asio::awaitable<http::Response> forward(const http::Request& req, std::string rest_target,
                                                         const Caller& caller) = 0;
};

struct UpstreamOptions {
  std::string base_url;  // http(s)://host:port[/base]
  std::string ca_pem;
  std::chrono::milliseconds connect_timeout{2000}, request_timeout{10000};
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  std::size_t max_idle = 64;
};

std::unique_ptr<Upstream> make_http_upstream(boost::asio::any_io_executor ex, UpstreamOptions options);
// GET <prefix>/hello -> {"hello": invoker, "api": name, "method": ...}; any other path: 404; POST echo.
std::unique_ptr<Upstream> make_demo_upstream();

}  // namespace capif::aef
