#pragma once
// The route table: method + path template -> handler, with who may call it.
#include "capif/http/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

namespace capif::http {

using Handler = std::function<boost::asio::awaitable<Response>(RequestContext&)>;

enum class ClientAuth {
  required,  // a verified client certificate mapped to a known principal (CAPIF-1/3/4/5)
  optional,  // server-only TLS allowed (onboarding, provider registration): the handler decides
};

struct RouteOptions {
  ClientAuth auth = ClientAuth::required;
  std::vector<PrincipalKind> roles;  // empty = any authenticated principal
};

struct RouteMatch;

class Router {
 public:
  // Template segments in braces are parameters: "/published-apis/v1/{apfId}/service-apis". A last segment
  // "{name*}" is a tail: it matches zero or more remaining segments ("/gw/{rest*}" matches "/gw/a/b").
  void add(std::string method, std::string path_template, Handler handler, RouteOptions options = {});

  struct Found {
    const Handler* handler = nullptr;
    const RouteOptions* options = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed_methods;  // filled when the path matches but the method does not
  };
  Found find(const std::string& method, const std::string& path) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
    RouteOptions options;
  };
  std::vector<Route> routes_;
};

std::vector<std::string> split_path(const std::string& path);

}  // namespace capif::http
