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
    // A last template segment "{name*}" (a tail) matches zero or more remaining segments, joined by '/'.
    const bool tail = !route.segments.empty() && route.segments.back().size() > 3 &&
                      route.segments.back().ends_with("*}") && route.segments.back().front() == '{';
    const std::size_t fixed = tail ? route.segments.size() - 1 : route.segments.size();
    if (tail ? segments.size() < fixed : segments.size() != fixed) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    if (tail) {
      std::string rest;
      for (std::size_t i = fixed; i < segments.size(); ++i) rest += (rest.empty() ? "" : "/") + segments[i];
      const auto& t = route.segments.back();
      params[t.substr(1, t.size() - 3)] = std::move(rest);
    }
    for (std::size_t i = 0; i < fixed && match; ++i) {
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
