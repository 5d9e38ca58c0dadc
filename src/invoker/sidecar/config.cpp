#include "invoker/sidecar/config.hpp"

#include "capif/config/yaml_reader.hpp"
#include "capif/crypto/files.hpp"

#include <yaml-cpp/yaml.h>

#include <regex>
#include <set>

namespace capif::invoker {
using config::ConfigError;
using config::MapReader;
using config::YamlReader;

SidecarConfig sidecar_config_from_string(const std::string& yaml, const std::filesystem::path& base_dir,
                                         const std::string& source) {
  // The generic reader has no list-of-mappings accessor: "apis" is split off and each entry gets a
  // strict reader of its own; the rest is read as usual.
  YAML::Node doc;
  try {
    doc = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw ConfigError(source, {e.what()});
  }
  if (!doc.IsMap()) throw ConfigError(source, {"the document must be a mapping"});
  YAML::Node apis_node;
  YAML::Node rest(YAML::NodeType::Map);
  for (const auto& kv : doc) {
    if (kv.first.IsScalar() && kv.first.Scalar() == "apis")
      apis_node = kv.second;
    else
      rest[kv.first] = kv.second;
  }
  std::vector<std::string> errors;
  SidecarConfig c;

  YamlReader reader(YAML::Dump(rest), source, base_dir);
  auto root = reader.root();
  {
    auto m = root.map("ccf");
    c.ccf.api_root = m.required_string("api_root");
    static const std::regex url_re(R"(^https://[^/?#\s@]+(/[^?#\s]*)?$)");
    if (m.has_scalar("api_root")) {
      if (!std::regex_match(c.ccf.api_root, url_re))
        m.error("api_root", "must be an https URL without query, fragment or user info");
      while (!c.ccf.api_root.empty() && c.ccf.api_root.back() == '/') c.ccf.api_root.pop_back();
    }
    c.ccf.ca_file = m.required_path("ca_file");
    c.ccf.credential_file = m.path("credential_file", {}, true);
    c.ccf.notification_destination = m.string("notification_destination", c.ccf.notification_destination);
    c.ccf.tls12 = m.boolean("tls12", false);
    c.ccf.ccf_id = m.string("ccf_id", "");
    static const std::regex id_re("[A-Za-z0-9._-]{1,64}");
    if (m.has_scalar("ccf_id") && !std::regex_match(c.ccf.ccf_id, id_re))
      m.error("ccf_id", "must match [A-Za-z0-9._-]{1,64}");
  }
  c.state_dir = root.required_path("state_dir");
  {
    auto m = root.map("listen");
    c.listen.address = m.string("address", c.listen.address);
    if (c.listen.address != "127.0.0.1")
      m.error("address", "must be 127.0.0.1: the sidecar's plain-HTTP port is for local callers only");
    c.listen.port = static_cast<std::uint16_t>(m.required_integer("port", 0, 65535));
  }
  c.token_refresh_margin_s = root.integer("token_refresh_margin_s", 60, 0, 3600);
  c.request_timeout_ms = root.duration_ms("request_timeout_ms", 10000, 100, 600000);
  c.admin = config::read_admin_config(root);
  try {
    reader.finish();
  } catch (const ConfigError& e) {
    errors = e.errors();
  }

  if (!apis_node || apis_node.IsNull()) {
    errors.push_back("apis: required (a list of {api_name, aef_id, methods})");
  } else if (!apis_node.IsSequence() || apis_node.size() == 0) {
    errors.push_back("apis: must be a non-empty list");
  } else {
    std::set<std::string> names;
    for (std::size_t i = 0; i < apis_node.size(); ++i) {
      const std::string where = "apis[" + std::to_string(i) + "]";
      if (!apis_node[i].IsMap()) {
        errors.push_back(where + ": must be a mapping");
        continue;
      }
      SidecarApi api;
      try {
        YamlReader r(YAML::Dump(apis_node[i]), source, base_dir);
        auto m = r.root();
        api.api_name = m.required_string("api_name");
        if (m.has_scalar("api_name") &&
            (api.api_name.find_first_of("/?#%;:, ") != std::string::npos || api.api_name.empty()))
          m.error("api_name", "must be a plain API name (no / ? # % ; : , or space)");
        api.aef_id = m.string("aef_id", "");
        api.methods = m.string_list("methods", {});
        if (api.methods.empty()) m.error("methods", "must list at least one of PSK, PKI, OAUTH");
        std::set<std::string> seen;
        for (const auto& meth : api.methods) {
          if (meth != "PSK" && meth != "PKI" && meth != "OAUTH")
            m.error("methods", "unknown security method " + meth + " (PSK, PKI or OAUTH)");
          if (!seen.insert(meth).second) m.error("methods", meth + " listed twice");
        }
        r.finish();
      } catch (const ConfigError& e) {
        for (const auto& err : e.errors()) errors.push_back(where + "." + err);
        continue;
      }
      if (!names.insert(api.api_name).second)
        errors.push_back(where + ".api_name: " + api.api_name + " listed twice");
      c.apis.push_back(std::move(api));
    }
  }
  if (!errors.empty()) throw ConfigError(source, errors);
  return c;
}

SidecarConfig load_sidecar_config(const std::filesystem::path& file) {
  std::string text;
  try {
    text = crypto::read_file(file);
  } catch (const std::exception& e) {
    throw ConfigError(file.string(), {std::string("cannot read: ") + e.what()});
  }
  auto abs = std::filesystem::absolute(file);
  return sidecar_config_from_string(text, abs.parent_path(), file.string());
}

}  // namespace capif::invoker
