#include "aef/config.hpp"

#include "capif/model/common_data.hpp"

#include <regex>
#include <set>

namespace capif::aef {
namespace {
using config::MapReader;

bool is_method(const std::string& m) {
  return m == "PSK" || m == "PKI" || m == "OAUTH";
}

ApiConfig read_api(MapReader m) {
  ApiConfig a;
  a.apiName = m.required_string("apiName");
  if (m.has_scalar("apiName") && !std::regex_match(a.apiName, std::regex("[A-Za-z0-9._~-]{1,64}")))
    m.error("apiName", "must be 1-64 URI-safe characters (it is a URI segment and a token scope item)");
  a.version = m.string("version", "v1");
  if (a.version.empty()) m.error("version", "must not be empty");
  a.prefix = m.required_string("prefix");
  if (m.has_scalar("prefix") && !std::regex_match(a.prefix, std::regex("(/[A-Za-z0-9._~-]+)+")))
    m.error("prefix", "must look like /name[/name...] (no trailing '/')");
  a.securityMethods = m.string_list("securityMethods", a.securityMethods);
  a.shareable = m.boolean("shareable", a.shareable);
  a.capifProvDoms = m.string_list("capifProvDoms", a.capifProvDoms);
  if (a.securityMethods.empty()) m.error("securityMethods", "must name at least one method");
  for (const auto& s : a.securityMethods)
    if (!is_method(s)) m.error("securityMethods", "'" + s + "' is not PSK, PKI or OAUTH");
  for (auto r : m.map_list("resources")) {
    ApiResourceConfig rc;
    rc.name = r.required_string("name");
    rc.uri = r.required_string("uri");
    if (r.has_scalar("uri") && !rc.uri.starts_with("/")) r.error("uri", "must start with '/'");
    rc.operations = r.string_list("operations", {"GET"});
    a.resources.push_back(std::move(rc));
  }
  if (a.resources.empty()) a.resources.push_back({"root", "/", {"GET", "POST", "PUT", "PATCH", "DELETE"}});
  return a;
}

AefConfig read(config::YamlReader& reader) {
  AefConfig c;
  auto root = reader.root();
  auto ccf = root.map("ccf");
  c.ccf.id = ccf.required_string("id");
  c.ccf.api_root = ccf.required_string("api_root");
  while (c.ccf.api_root.ends_with("/")) c.ccf.api_root.pop_back();
  if (ccf.has_scalar("api_root") && !c.ccf.api_root.starts_with("https://"))
    ccf.error("api_root", "must be an https:// URL");
  c.ccf.ca_file = ccf.required_path("ca_file");
  c.ccf.credential_file = ccf.path("credential_file", {}, true);
  c.ccf.credential = ccf.string("credential", "");
  if (!c.ccf.credential.empty() && !c.ccf.credential_file.empty())
    ccf.error("credential", "give credential or credential_file, not both");

  c.data_dir = root.required_path("data_dir");
  auto listen = root.map("listen");
  c.listen.address = listen.string("address", c.listen.address);
  if (listen.has_scalar("address") && model::check_ipv4(c.listen.address))
    listen.error("address", "must be an IPv4 address (it is published as ipv4Addr)");
  c.listen.port = static_cast<int>(listen.required_integer("port", 0, 65535));
  c.listen.threads = static_cast<int>(listen.integer("threads", 2, 1, 64));

  std::set<std::string> names, prefixes;
  for (auto m : root.map_list("apis")) {
    auto a = read_api(m);
    if (!a.apiName.empty() && !names.insert(a.apiName).second) m.error("apiName", "is used twice");
    if (!a.prefix.empty() && !prefixes.insert(a.prefix).second) m.error("prefix", "is used twice");
    c.apis.push_back(std::move(a));
  }
  if (c.apis.empty() && !root.has("apis")) root.error("apis", "is required (a list of APIs to publish)");
  for (const auto& a : c.apis)
    for (const auto& b : c.apis)
      if (&a != &b && b.prefix.starts_with(a.prefix + "/"))
        root.error("apis", "prefix " + b.prefix + " is nested in " + a.prefix);
  if (c.apis.empty() && root.has("apis")) root.error("apis", "must list at least one API");

  auto up = root.map("upstream");
  c.upstream.url = up.string("url", "");
  while (c.upstream.url.ends_with("/")) c.upstream.url.pop_back();
  if (!c.upstream.url.empty() && !c.upstream.url.starts_with("http://") &&
      !c.upstream.url.starts_with("https://"))
    up.error("url", "must be an http:// or https:// URL");
  c.upstream.ca_file = up.path("ca_file", {}, true);
  if (c.upstream.url.starts_with("https://") && c.upstream.ca_file.empty())
    up.error("ca_file", "is required for an https:// upstream");
  c.upstream.connect_timeout_ms =
      up.duration_ms("connect_timeout_ms", c.upstream.connect_timeout_ms, 10, 600000);
  c.upstream.request_timeout_ms =
      up.duration_ms("request_timeout_ms", c.upstream.request_timeout_ms, 10, 3600000);
  c.upstream.max_body_bytes = up.integer("max_body_bytes", c.upstream.max_body_bytes, 1024, 1LL << 30);
  c.upstream.max_idle = up.integer("max_idle", c.upstream.max_idle, 0, 100000);

  auto logs = root.map("logs");
  c.logs.batch_size = logs.integer("batch_size", c.logs.batch_size, 1, 10000);
  c.logs.flush_interval_ms = logs.duration_ms("flush_interval_ms", c.logs.flush_interval_ms, 10, 3600000);
  c.logs.queue_limit = logs.integer("queue_limit", c.logs.queue_limit, 1, 100000000);

  auto sec = root.map("security");
  c.security.token_leeway_s = sec.integer("token_leeway_s", c.security.token_leeway_s, 0, 30);
  c.security.acl_refresh_ms = sec.duration_ms("acl_refresh_ms", c.security.acl_refresh_ms, 0, 86400000);
  c.security.jwks_refresh_min_ms =
      sec.duration_ms("jwks_refresh_min_ms", c.security.jwks_refresh_min_ms, 0, 86400000);
  c.security.jwks_max_age_ms = sec.duration_ms("jwks_max_age_ms", c.security.jwks_max_age_ms, 1000, 86400000);

  auto lim = root.map("limits");
  c.limits.header_bytes = lim.integer("header_bytes", c.limits.header_bytes, 1024, 1048576);
  c.limits.body_bytes = lim.integer("body_bytes", c.limits.body_bytes, 1024, 67108864);
  c.limits.handshake_timeout_ms =
      lim.duration_ms("handshake_timeout_ms", c.limits.handshake_timeout_ms, 100, 600000);
  c.limits.read_timeout_ms = lim.duration_ms("read_timeout_ms", c.limits.read_timeout_ms, 100, 3600000);
  c.limits.write_timeout_ms = lim.duration_ms("write_timeout_ms", c.limits.write_timeout_ms, 100, 3600000);
  c.limits.idle_timeout_ms = lim.duration_ms("idle_timeout_ms", c.limits.idle_timeout_ms, 100, 86400000);
  c.limits.max_connections = lim.integer("max_connections", c.limits.max_connections, 1, 1000000);

  auto log = root.map("log");
  c.log.level = log.string("level", "info");
  static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
  if (!levels.contains(c.log.level)) log.error("level", "must be trace, debug, info, warn, error or off");
  c.log.file = log.path("file", {}, true);
  c.log.format = log.string("format", c.log.format);
  if (c.log.format != "text" && c.log.format != "json") log.error("format", "must be text or json");
  c.admin = config::read_admin_config(root);
  reader.finish();
  return c;
}
}  // namespace

AefConfig load_aef_config(const std::filesystem::path& file) {
  auto reader = config::YamlReader::from_file(file);
  return read(*reader);
}

AefConfig aef_config_from_string(const std::string& yaml, const std::filesystem::path& base_dir,
                                 const std::string& source) {
  config::YamlReader reader(yaml, source, base_dir);
  return read(reader);
}

}  // namespace capif::aef
