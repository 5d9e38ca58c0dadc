#include "capif/config/ccf_config.hpp"

#include <arpa/inet.h>

#include "capif/model/common_data.hpp"

#include <algorithm>
#include <limits>
#include <regex>

namespace capif::config {
namespace {

bool is_ip_literal(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool is_dns_name(const std::string& s) {
  static const std::regex re(
      R"(^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$)");
  return s.size() <= 253 && std::regex_match(s, re);
}

void read_ccf(MapReader m, CcfConfig::Ccf& c) {
  c.id = m.required_string("id");
  static const std::regex id_re("^[A-Za-z0-9._-]{1,64}$");
  if (m.has_scalar("id") && !std::regex_match(c.id, id_re))
    m.error("id", "must be 1..64 characters of A-Z a-z 0-9 . _ -");

  c.api_root = m.required_string("api_root");
  // Only scheme://authority[/path]: Location headers are built by appending resource paths.
  static const std::regex url_re(R"(^https://[^/?#\s@]+(/[^?#\s]*)?$)");
  if (m.has_scalar("api_root")) {
    if (!std::regex_match(c.api_root, url_re))
      m.error("api_root", "must be an https URL without query, fragment or user info");
    while (!c.api_root.empty() && c.api_root.back() == '/') c.api_root.pop_back();
  }
}

void read_listen(MapReader m, CcfConfig::Listen& l) {
  l.address = m.string("address", l.address);
  if (!is_ip_literal(l.address)) m.error("address", "must be an IPv4 or IPv6 address");
  l.port = static_cast<int>(m.required_integer("port", 0, 65535));
  l.threads = static_cast<int>(m.integer("threads", l.threads, 1, 64));
}

void read_tls(MapReader m, CcfConfig::Tls& t) {
  t.server_names = m.string_list("server_names", t.server_names);
  for (std::size_t i = 0; i < t.server_names.size(); ++i)
    if (!is_dns_name(t.server_names[i]))
      m.error("server_names[" + std::to_string(i) + "]", "must be a DNS name");
  t.server_ips = m.string_list("server_ips", t.server_ips);
  for (std::size_t i = 0; i < t.server_ips.size(); ++i)
    if (!is_ip_literal(t.server_ips[i]))
      m.error("server_ips[" + std::to_string(i) + "]", "must be an IPv4 or IPv6 address");
  t.min_version = m.string("min_version", t.min_version);
  if (t.min_version != "1.2" && t.min_version != "1.3") m.error("min_version", "must be \"1.2\" or \"1.3\"");
}

void read_limits(MapReader m, CcfConfig::Limits& l) {
  l.header_bytes = m.integer("header_bytes", l.header_bytes, 1024, 1048576);
  l.body_bytes = m.integer("body_bytes", l.body_bytes, 1024, 67108864);
  l.handshake_timeout_ms = m.duration_ms("handshake_timeout_ms", l.handshake_timeout_ms, 100, 600000);
  l.read_timeout_ms = m.duration_ms("read_timeout_ms", l.read_timeout_ms, 100, 3600000);
  l.write_timeout_ms = m.duration_ms("write_timeout_ms", l.write_timeout_ms, 100, 3600000);
  l.idle_timeout_ms = m.duration_ms("idle_timeout_ms", l.idle_timeout_ms, 100, 86400000);
  l.max_connections = m.integer("max_connections", l.max_connections, 1, 1000000);
}

void read_certificates(MapReader m, CcfConfig::Certificates& c) {
  c.ca_days = static_cast<int>(m.integer("ca_days", c.ca_days, 1, 36500));
  c.server_days = static_cast<int>(m.integer("server_days", c.server_days, 1, 3650));
  c.client_days = static_cast<int>(m.integer("client_days", c.client_days, 1, 3650));
}

void read_log(MapReader m, CcfConfig::Log& l) {
  l.level = m.string("level", l.level);
  static const std::vector<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
  if (std::find(levels.begin(), levels.end(), l.level) == levels.end())
    m.error("level", "must be one of trace, debug, info, warn, error, off");
  l.file = m.path("file", l.file, /*allow_empty=*/true);
  l.format = m.string("format", l.format);
  if (l.format != "text" && l.format != "json") m.error("format", "must be text or json");
}

void read_security(MapReader m, CcfConfig::Security& s) {
  s.allowed_methods = m.string_list("allowed_methods", s.allowed_methods);
  static const std::vector<std::string> methods{"PSK", "PKI", "OAUTH"};
  for (std::size_t i = 0; i < s.allowed_methods.size(); ++i) {
    const auto& v = s.allowed_methods[i];
    if (std::find(methods.begin(), methods.end(), v) == methods.end())
      m.error("allowed_methods[" + std::to_string(i) + "]", "must be PSK, PKI or OAUTH");
    else if (std::find(s.allowed_methods.begin(), s.allowed_methods.begin() + static_cast<long>(i), v) !=
             s.allowed_methods.begin() + static_cast<long>(i))
      m.error("allowed_methods[" + std::to_string(i) + "]", "is repeated");
  }
  s.token_ttl_s = m.integer("token_ttl_s", s.token_ttl_s, 10, 86400);
  MapReader ac = m.map("access_control");
  auto& a = s.access_control;
  a.allowed_total_invocations = ac.integer("allowed_total_invocations", a.allowed_total_invocations, 0,
                                           std::numeric_limits<std::int32_t>::max());
  a.allowed_invocations_per_second =
      ac.integer("allowed_invocations_per_second", a.allowed_invocations_per_second, 0, 1000000);
  a.allowed_time_ranges = ac.string_list("allowed_time_ranges", a.allowed_time_ranges);
  for (std::size_t i = 0; i < a.allowed_time_ranges.size(); ++i) {
    const auto& r = a.allowed_time_ranges[i];
    const auto slash = r.find('/');
    const bool ok = slash != std::string::npos && model::check_date_time(r.substr(0, slash)) == nullptr &&
                    model::check_date_time(r.substr(slash + 1)) == nullptr;
    if (!ok)
      ac.error("allowed_time_ranges[" + std::to_string(i) + "]",
               "must be START/STOP, two RFC 3339 date-times (2025-01-01T08:00:00Z/2025-12-31T18:00:00Z)");
  }
  s.notifications.timeout_ms =
      m.map("notifications").duration_ms("timeout_ms", s.notifications.timeout_ms, 100, 600000);
}

void read_notifications(MapReader m, CcfConfig::Notifications& n) {
  n.timeout_ms = m.duration_ms("timeout_ms", n.timeout_ms, 100, 600000);
  n.retry_initial_ms = m.duration_ms("retry_initial_ms", n.retry_initial_ms, 10, 3600000);
  n.retry_max_ms = m.duration_ms("retry_max_ms", n.retry_max_ms, 10, 86400000);
  if (n.retry_max_ms < n.retry_initial_ms) m.error("retry_max_ms", "must not be below retry_initial_ms");
  n.give_up_after_s = m.integer("give_up_after_s", n.give_up_after_s, 1, 31536000);
  n.max_response_bytes = m.integer("max_response_bytes", n.max_response_bytes, 1024, 16777216);
}

void read_peers(MapReader root, CcfConfig& cfg) {
  static const std::regex id_re("^[A-Za-z0-9._-]{1,64}$");
  static const std::regex url_re(R"(^https://[^/?#\s@]+(/[^?#\s]*)?$)");
  static const std::vector<std::string> shares{"publish", "discover", "security"};
  for (MapReader m : root.map_list("peers")) {
    CcfConfig::Peer p;
    p.id = m.required_string("id");
    if (m.has_scalar("id") && !std::regex_match(p.id, id_re))
      m.error("id", "must be 1..64 characters of A-Z a-z 0-9 . _ -");
    if (m.has_scalar("id") && p.id == cfg.ccf.id) m.error("id", "is this CCF's own id");
    if (m.has_scalar("id") && cfg.peer(p.id)) m.error("id", "is repeated");
    p.api_root = m.required_string("api_root");
    if (m.has_scalar("api_root")) {
      if (!std::regex_match(p.api_root, url_re)) m.error("api_root", "must be an https URL");
      while (!p.api_root.empty() && p.api_root.back() == '/') p.api_root.pop_back();
    }
    p.trust_anchor = m.required_path("trust_anchor");
    p.link = m.string("link", p.link);
    if (p.link != "CAPIF-6" && p.link != "CAPIF-6e") m.error("link", "must be CAPIF-6 or CAPIF-6e");
    p.provider_domain = m.string("provider_domain", "");
    p.client_cert = m.path("client_cert", {}, /*allow_empty=*/true);
    p.client_key = m.path("client_key", {}, /*allow_empty=*/true);
    if (p.client_cert.empty() != p.client_key.empty())
      m.error(p.client_cert.empty() ? "client_cert" : "client_key", "client_cert and client_key go together");
    p.share = m.string_list("share", p.share);
    for (std::size_t i = 0; i < p.share.size(); ++i)
      if (std::find(shares.begin(), shares.end(), p.share[i]) == shares.end())
        m.error("share[" + std::to_string(i) + "]", "must be publish, discover or security");
    p.timeout_ms = m.duration_ms("timeout_ms", p.timeout_ms, 100, 600000);
    p.sync_interval_ms = m.duration_ms("sync_interval_ms", p.sync_interval_ms, 100, 3600000);
    cfg.peers.push_back(std::move(p));
  }
}

CcfConfig read(YamlReader& reader) {
  CcfConfig cfg;
  MapReader root = reader.root();
  // A missing ccf or listen section shows up as "ccf.id: is required" etc., naming the exact keys.
  read_ccf(root.map("ccf"), cfg.ccf);
  read_listen(root.map("listen"), cfg.listen);
  read_tls(root.map("tls"), cfg.tls);
  cfg.data_dir = root.required_path("data_dir");
  read_limits(root.map("limits"), cfg.limits);
  read_certificates(root.map("certificates"), cfg.certificates);
  cfg.credentials.default_ttl_s =
      root.map("credentials").integer("default_ttl_s", cfg.credentials.default_ttl_s, 60, 31536000);
  read_security(root.map("security"), cfg.security);
  read_notifications(root.map("notifications"), cfg.notifications);
  auto onboarding = root.map("onboarding");
  cfg.onboarding.require_approval = onboarding.boolean("require_approval", cfg.onboarding.require_approval);
  cfg.onboarding.pending_ttl_s =
      onboarding.integer("pending_ttl_s", cfg.onboarding.pending_ttl_s, 1, 31536000);
  read_log(root.map("log"), cfg.log);
  read_peers(root, cfg);
  cfg.admin = read_admin_config(root);
  reader.finish();
  return cfg;
}

}  // namespace

bool CcfConfig::Peer::shares(const std::string& what) const {
  return std::find(share.begin(), share.end(), what) != share.end();
}

const CcfConfig::Peer* CcfConfig::peer(const std::string& id) const {
  for (const auto& p : peers)
    if (p.id == id) return &p;
  return nullptr;
}

CcfConfig load_ccf_config(const std::filesystem::path& file) {
  auto reader = YamlReader::from_file(file);
  return read(*reader);
}

CcfConfig ccf_config_from_string(const std::string& yaml, const std::filesystem::path& base_dir,
                                 const std::string& source) {
  YamlReader reader(yaml, source, std::filesystem::absolute(base_dir).lexically_normal());
  return read(reader);
}

}  // namespace capif::config
