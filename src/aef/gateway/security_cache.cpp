#include "aef/gateway/security_cache.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/pki.hpp"

#include <stdexcept>

namespace capif::aef {
using nlohmann::json;

const SecurityEntry* InvokerSecurity::entry_for(const PublishedApi& api) const {
  for (const auto& e : entries)
    if (e.covers(api)) return &e;
  return nullptr;
}

std::optional<std::string> InvokerSecurity::psk() const {
  for (const auto& e : entries)
    if (e.method == "PSK" && !e.psk.empty()) return e.psk;
  return std::nullopt;
}

namespace {
std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
}  // namespace

InvokerSecurity parse_service_security(const json& body, const std::string& aef_id,
                                       const std::string& address, int port,
                                       const std::vector<PublishedApi>& apis) {
  if (!body.is_object() || !body.contains("securityInfo") || !body["securityInfo"].is_array())
    throw std::runtime_error("ServiceSecurity without securityInfo");
  InvokerSecurity out;
  for (const auto& si : body["securityInfo"]) {
    if (!si.is_object()) continue;
    std::string prefix;
    bool ours = str(si, "aefId") == aef_id;
    if (auto it = si.find("interfaceDetails"); it != si.end() && it->is_object()) {
      prefix = str(*it, "apiPrefix");
      auto p = it->find("port");
      ours = ours || (str(*it, "ipv4Addr") == address && p != it->end() && p->is_number_integer() &&
                      p->get<int>() == port);
    }
    if (!ours) continue;
    SecurityEntry e;
    e.method = str(si, "selSecurityMethod");
    const std::string auth = str(si, "authenticationInfo");
    if (e.method == "PSK" && !auth.empty()) e.psk = crypto::base64_decode(auth);
    if (e.method == "PKI" && !auth.empty()) {
      e.ca_pem = auth;
      try {
        e.ca_fingerprint = crypto::inspect_cert(auth).fingerprint_sha256;
      } catch (const std::exception&) {
        // Not a certificate: no client can be bound to it, so PKI stays refused for this entry.
      }
    }
    if (auto id = str(si, "apiId"); !id.empty()) e.api_ids.insert(id);
    if (auto info = str(si, "authorizationInfo"); !info.empty()) {
      auto j = json::parse(info, nullptr, false);
      if (j.is_object()) {
        for (const auto& v : j.value("apiIds", json::array()))
          if (v.is_string()) e.api_ids.insert(v.get<std::string>());
        for (const auto& v : j.value("apiNames", json::array()))
          if (v.is_string()) e.api_names.insert(v.get<std::string>());
      }
    }
    if (!prefix.empty())
      for (const auto& a : apis)
        if (a.prefix == prefix) e.api_ids.insert(a.apiId);
    if (e.method.empty()) continue;  // nothing negotiated for this entry
    out.entries.push_back(std::move(e));
  }
  return out;
}

void SecurityCache::put(const std::string& invoker, InvokerSecurity sec) {
  std::lock_guard lock(mutex_);
  invokers_[invoker] = std::move(sec);
}

std::optional<InvokerSecurity> SecurityCache::get(const std::string& invoker) const {
  std::lock_guard lock(mutex_);
  auto it = invokers_.find(invoker);
  if (it == invokers_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> SecurityCache::psk(const std::string& invoker) const {
  std::lock_guard lock(mutex_);
  auto it = invokers_.find(invoker);
  if (it == invokers_.end()) return std::nullopt;
  return it->second.psk();
}

void SecurityCache::erase(const std::string& invoker) {
  std::lock_guard lock(mutex_);
  invokers_.erase(invoker);
}

void SecurityCache::revoke(const std::string& invoker, const std::set<std::string>& api_ids,
                           const std::set<std::string>& api_names, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto& times = revoked_[invoker];
  if (api_ids.empty()) {
    invokers_.erase(invoker);
    times["*"] = now;
    return;
  }
  for (const auto& n : api_names) times[n] = now;
  auto it = invokers_.find(invoker);
  if (it == invokers_.end()) return;
  auto& entries = it->second.entries;
  std::erase_if(entries, [&](SecurityEntry& e) {
    bool hit = false;
    for (const auto& id : api_ids) hit = e.api_ids.erase(id) > 0 || hit;
    for (const auto& n : api_names) hit = e.api_names.erase(n) > 0 || hit;
    return hit && e.api_ids.empty() && e.api_names.empty();
  });
  if (entries.empty()) invokers_.erase(it);
}

std::int64_t SecurityCache::revoked_at(const std::string& invoker, const std::string& api_name) const {
  std::lock_guard lock(mutex_);
  auto it = revoked_.find(invoker);
  if (it == revoked_.end()) return 0;
  std::int64_t t = 0;
  if (auto a = it->second.find("*"); a != it->second.end()) t = a->second;
  if (auto b = it->second.find(api_name); b != it->second.end()) t = std::max(t, b->second);
  return t;
}

}  // namespace capif::aef
