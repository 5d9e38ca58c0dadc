#include "aef/provider/provider.hpp"

#include "capif/crypto/files.hpp"
#include "capif/crypto/pki.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <system_error>

namespace capif::aef {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kStateFile = "provider.json";

std::string key_for(const fs::path& dir, const std::string& fn) {
  auto path = dir / (fn + ".key");
  if (fs::exists(path)) return crypto::read_file(path);
  auto key = crypto::generate_ec_key_pem();
  crypto::write_file_atomic(path, key, true);
  return key;
}

void save_state(const fs::path& dir, const ProviderState& s) {
  json ids = json::object();
  for (const auto& [name, id] : s.api_ids) ids[name] = id;
  json j{{"apiProvDomId", s.dom_id},
         {"amfId", s.amf.id},
         {"apfId", s.apf.id},
         {"aefId", s.aef.id},
         {"publications", ids}};
  crypto::write_file_atomic(dir / kStateFile, j.dump(2) + "\n", true);
}

bool load_state(const fs::path& dir, ProviderState& s) {
  if (!fs::exists(dir / kStateFile)) return false;
  auto j = json::parse(crypto::read_file(dir / kStateFile));
  s.dom_id = j.at("apiProvDomId");
  s.amf.id = j.at("amfId");
  s.apf.id = j.at("apfId");
  s.aef.id = j.at("aefId");
  const json pubs = j.value("publications", json::object());  // a named copy: items() must not outlive it
  for (const auto& [name, id] : pubs.items()) s.api_ids[name] = id.get<std::string>();
  for (auto [fn, id] : {std::pair{"amf", &s.amf}, {"apf", &s.apf}, {"aef", &s.aef}}) {
    id->key_pem = crypto::read_file(dir / (std::string(fn) + ".key"));
    id->cert_pem = crypto::read_file(dir / (std::string(fn) + ".crt"));
  }
  return true;
}

}  // namespace

std::string read_credential(const AefConfig& cfg) {
  std::string c = cfg.ccf.credential;
  if (c.empty() && !cfg.ccf.credential_file.empty()) c = crypto::read_file(cfg.ccf.credential_file);
  while (!c.empty() && std::isspace(static_cast<unsigned char>(c.back()))) c.pop_back();
  while (!c.empty() && std::isspace(static_cast<unsigned char>(c.front()))) c.erase(c.begin());
  return c;
}

ProviderState ensure_registered(const AefConfig& cfg, ProviderCcf& ccf) {
  const fs::path& dir = cfg.data_dir;
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  ProviderState s;
  if (load_state(dir, s)) {
    spdlog::info("provider domain {} (AEF {}) loaded from {}", s.dom_id, s.aef.id, dir.string());
    return s;
  }
  const std::string credential = read_credential(cfg);
  if (credential.empty())
    throw std::runtime_error("no provider registration in " + dir.string() +
                             " and no onboarding credential (ccf.credential or ccf.credential_file)");
  json funcs = json::array();
  for (const char* fn : {"amf", "apf", "aef"}) {
    std::string key = key_for(dir, fn);
    std::string csr = crypto::make_csr_pem(key, fn);
    crypto::write_file_atomic(dir / (std::string(fn) + ".csr"), csr, true);
    std::string role = fn == std::string("amf") ? "AMF" : fn == std::string("apf") ? "APF" : "AEF";
    funcs.push_back({{"apiProvFuncRole", role},
                     {"regInfo", {{"apiProvPubKey", csr}}},
                     {"apiProvFuncInfo", "capif-aef " + role}});
  }
  json body{{"regSec", credential}, {"apiProvDomInfo", "capif-aef provider domain"}, {"apiProvFuncs", funcs}};
  auto r = ccf.register_domain(body, credential);
  if (r.status != 201) throw std::runtime_error("provider registration refused: " + r.describe());
  s.dom_id = r.body.at("apiProvDomId");
  for (const auto& f : r.body.at("apiProvFuncs")) {
    const std::string role = f.at("apiProvFuncRole");
    FunctionIdentity& id = role == "AMF" ? s.amf : role == "APF" ? s.apf : s.aef;
    const std::string fn = role == "AMF" ? "amf" : role == "APF" ? "apf" : "aef";
    id.id = f.at("apiProvFuncId");
    id.cert_pem = f.at("regInfo").at("apiProvCert");
    id.key_pem = crypto::read_file(dir / (fn + ".key"));
    crypto::write_file_atomic(dir / (fn + ".crt"), id.cert_pem, true);
  }
  if (s.amf.id.empty() || s.apf.id.empty() || s.aef.id.empty())
    throw std::runtime_error("the CCF's registration answer lacks a function");
  save_state(dir, s);
  spdlog::info("registered provider domain {}: AMF {}, APF {}, AEF {}", s.dom_id, s.amf.id, s.apf.id,
               s.aef.id);
  return s;
}

json service_api_description(const AefConfig& cfg, const ApiConfig& api, const std::string& aef_id) {
  json resources = json::array();
  for (const auto& r : api.resources)
    resources.push_back({{"resourceName", r.name},
                         {"commType", "REQUEST_RESPONSE"},
                         {"uri", r.uri},
                         {"operations", r.operations}});
  json intf{{"ipv4Addr", cfg.listen.address},
            {"port", cfg.listen.port},
            {"apiPrefix", api.prefix},
            {"securityMethods", api.securityMethods}};
  json profile{{"aefId", aef_id},
               {"versions", json::array({{{"apiVersion", api.version}, {"resources", resources}}})},
               {"protocol", "HTTP_1_1"},
               {"dataFormat", "JSON"},
               {"securityMethods", api.securityMethods},
               {"interfaceDescriptions", json::array({intf})}};
  json shareable{{"isShareable", api.shareable}};
  if (!api.capifProvDoms.empty()) shareable["capifProvDoms"] = api.capifProvDoms;
  return {{"apiName", api.apiName},
          {"description", "published by capif-aef"},
          {"aefProfiles", json::array({profile})},
          {"apiStatus", {{"aefIds", json::array({aef_id})}}},
          {"shareableInfo", shareable}};
}

void publish_apis(const AefConfig& cfg, ProviderCcf& ccf, ProviderState& s) {
  for (const auto& api : cfg.apis) {
    json body = service_api_description(cfg, api, s.aef.id);
    auto it = s.api_ids.find(api.apiName);
    if (it != s.api_ids.end()) {
      json put = body;
      put["apiId"] = it->second;
      auto r = ccf.update(s.apf.tls(), s.apf.id, it->second, put);
      if (r.ok()) {
        spdlog::info("updated API {} ({})", api.apiName, it->second);
        continue;
      }
      if (r.status != 404)
        throw std::runtime_error("update of API " + api.apiName + " refused: " + r.describe());
      spdlog::warn("the CCF no longer knows API {} ({}): publishing it again", api.apiName, it->second);
    }
    auto r = ccf.publish(s.apf.tls(), s.apf.id, body);
    if (r.status != 201)
      throw std::runtime_error("publication of API " + api.apiName + " refused: " + r.describe());
    s.api_ids[api.apiName] = r.body.at("apiId");
    save_state(cfg.data_dir, s);
    spdlog::info("published API {} as {}", api.apiName, s.api_ids[api.apiName]);
  }
}

}  // namespace capif::aef
