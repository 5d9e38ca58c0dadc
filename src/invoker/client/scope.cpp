#include "invoker/client/scope.hpp"

#include "invoker/errors.hpp"

#include <algorithm>

namespace capif::invoker {
namespace {
bool valid_item(std::string_view s) {
  return !s.empty() && s.find_first_of("#;:, \t") == std::string_view::npos;
}
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (true) {
    auto j = s.find(sep, i);
    out.push_back(s.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return out;
}
}  // namespace

std::string build_scope(const ScopeMap& aef_apis) {
  if (aef_apis.empty()) throw usage_error("a scope needs at least one aefId:apiName");
  std::string out = "3gpp#";
  bool first_aef = true;
  for (const auto& [aef, apis] : aef_apis) {
    if (!valid_item(aef)) throw usage_error("invalid aefId in scope: '" + aef + "'");
    if (apis.empty()) throw usage_error("no API name for " + aef + " in scope");
    out += (first_aef ? "" : ";") + aef + ":";
    first_aef = false;
    for (std::size_t i = 0; i < apis.size(); ++i) {
      if (!valid_item(apis[i])) throw usage_error("invalid apiName in scope: '" + apis[i] + "'");
      out += (i ? "," : "") + apis[i];
    }
  }
  return out;
}

std::optional<ScopeMap> parse_scope(std::string_view scope) {
  auto sp = scope.find(' ');
  if (sp != std::string_view::npos) scope = scope.substr(0, sp);
  if (!scope.starts_with("3gpp#")) return std::nullopt;
  scope.remove_prefix(5);
  ScopeMap out;
  for (auto group : split(scope, ';')) {
    auto colon = group.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto aef = group.substr(0, colon);
    if (!valid_item(aef)) return std::nullopt;
    auto& apis = out[std::string(aef)];
    for (auto api : split(group.substr(colon + 1), ',')) {
      if (!valid_item(api)) return std::nullopt;
      apis.emplace_back(api);
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

bool scope_covers(std::string_view scope, const std::string& aef_id, const std::string& api_name) {
  auto m = parse_scope(scope);
  if (!m) return false;
  auto it = m->find(aef_id);
  return it != m->end() && std::find(it->second.begin(), it->second.end(), api_name) != it->second.end();
}

}  // namespace capif::invoker
