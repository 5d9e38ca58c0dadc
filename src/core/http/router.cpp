#include "capif/http/router.hpp"

namespace capif::http {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

void Router::add(std::string method, std::string path_template, Handler handler, RouteOptions options) {
  routes_.push_back(
      Route{std::move(method), split_path(path_template), std::move(handler), std::move(options)});
}

Router::Found Router::find(const std::string& method, const std::string& path) const {
  Found found;
  // A trailing slash or an empty segment ("//") is a different resource: do not normalise it away.
  if (path.empty() || path[0] != '/' || path.find("//") != std::string::npos ||
      (path.size() > 1 && path.back() == '/'))
    return found;
  const auto segments = split_path(path);
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (std::size_t i = 0; i < segments.size() && match; ++i) {
      const auto& t = route.segments[i];
      if (t.size() > 2 && t.front() == '{' && t.back() == '}')
        params[t.substr(1, t.size() - 2)] = segments[i];
      else
        match = t == segments[i];
    }
    if (!match) continue;
    if (route.method != method) {
      found.allowed_methods.push_back(route.method);
      continue;
    }
    found.handler = &route.handler;
    found.options = &route.options;
    found.params = std::move(params);
    found.allowed_methods.clear();
    return found;
  }
  return found;
}

}  // namespace capif::http
