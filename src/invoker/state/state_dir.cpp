#include "invoker/state/state_dir.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"
#include "invoker/errors.hpp"

#include <system_error>

namespace capif::invoker {
namespace fs = std::filesystem;
using nlohmann::json;

StateDir::StateDir(fs::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  if (!fs::exists(dir_)) {
    fs::create_directories(dir_, ec);
    if (ec) throw local_error("cannot create the state directory " + dir_.string() + ": " + ec.message());
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace, ec);
  } else if (!fs::is_directory(dir_)) {
    throw local_error(dir_.string() + " is not a directory");
  }
}

std::optional<json> StateDir::read_json(const char* name) const {
  const auto p = file(name);
  if (!fs::exists(p)) return std::nullopt;
  try {
    return json::parse(crypto::read_file(p));
  } catch (const std::exception& e) {
    throw local_error("state file " + p.string() + " is unreadable: " + e.what());
  }
}

void StateDir::write_json(const char* name, const json& j, bool secret) const {
  try {
    crypto::write_file_atomic(file(name), j.dump(2) + "\n", secret);
  } catch (const std::exception& e) {
    throw local_error(std::string("cannot write state file: ") + e.what());
  }
}

void StateDir::save_ccf(const CcfSettings& ccf) {
  write_json("ccf.json",
             {{"api_root", ccf.api_root},
              {"notification_destination", ccf.notification_destination},
              {"ccf_id", ccf.ccf_id}},
             false);
  crypto::write_file_atomic(file("ca.crt"), ccf.ca_pem, false);
}

std::optional<CcfSettings> StateDir::load_ccf() const {
  auto j = read_json("ccf.json");
  if (!j) return std::nullopt;
  CcfSettings s;
  s.api_root = j->value("api_root", "");
  s.notification_destination = j->value("notification_destination", "");
  s.ccf_id = j->value("ccf_id", "");
  s.ca_pem = crypto::read_file(file("ca.crt"));
  return s;
}

CcfSettings StateDir::require_ccf() const {
  auto s = load_ccf();
  if (!s) throw local_error("no CCF configured in " + dir_.string() + " (run capif-invoker onboard first)");
  return *s;
}

bool StateDir::onboarded() const {
  return fs::exists(file("invoker.json")) && fs::exists(file("invoker.key"));
}

void StateDir::save_identity(const InvokerIdentity& id, const json& enrolment) {
  // Secrets first: invoker.json is written last, so its presence means a complete identity.
  crypto::write_file_atomic(file("invoker.key"), id.key_pem, true);
  crypto::write_file_atomic(file("onboarding_secret"), id.onboarding_secret, true);
  crypto::write_file_atomic(file("invoker.crt"), id.cert_pem, false);
  json e = enrolment;
  if (e.contains("onboardingInformation") && e["onboardingInformation"].is_object()) {
    e["onboardingInformation"].erase("onboardingSecret");
    e["onboardingInformation"].erase("apiInvokerCertificate");
  }
  write_json("invoker.json", {{"apiInvokerId", id.invoker_id}, {"enrolment", e}}, false);
}

std::optional<InvokerIdentity> StateDir::load_identity() const {
  if (!onboarded()) return std::nullopt;
  auto j = read_json("invoker.json");
  InvokerIdentity id;
  id.invoker_id = j->value("apiInvokerId", "");
  id.key_pem = crypto::read_file(file("invoker.key"));
  id.cert_pem = crypto::read_file(file("invoker.crt"));
  id.onboarding_secret = crypto::read_file(file("onboarding_secret"));
  return id;
}

InvokerIdentity StateDir::require_identity() const {
  auto id = load_identity();
  if (!id) throw local_error("not onboarded: no invoker identity in " + dir_.string());
  return *id;
}

void StateDir::save_discovered(const std::vector<model::ServiceAPIDescription>& apis) {
  json arr = json::array();
  for (const auto& a : apis) arr.push_back(model::to_json(a));
  write_json("discovered.json", {{"serviceAPIDescriptions", arr}}, false);
}

std::vector<model::ServiceAPIDescription> StateDir::load_discovered() const {
  std::vector<model::ServiceAPIDescription> out;
  auto j = read_json("discovered.json");
  if (!j || !j->contains("serviceAPIDescriptions")) return out;
  for (const auto& a : (*j)["serviceAPIDescriptions"]) {
    model::ServiceAPIDescription d;
    InvalidParams errs;
    if (model::from_json(a, d, "", errs)) out.push_back(std::move(d));
  }
  return out;
}

void StateDir::merge_discovered(const std::vector<model::ServiceAPIDescription>& apis) {
  auto all = load_discovered();
  for (const auto& a : apis) {
    auto same = [&](const model::ServiceAPIDescription& b) {
      return a.apiId && b.apiId ? *a.apiId == *b.apiId : a.apiName == b.apiName;
    };
    std::erase_if(all, same);
    all.push_back(a);
  }
  save_discovered(all);
}

void StateDir::save_negotiation(const Negotiation& n) {
  json entries = json::array();
  for (const auto& e : n.entries) {
    json j{{"aefId", e.aef_id}, {"prefSecurityMethods", e.pref_methods}};
    if (!e.api_id.empty()) j["apiId"] = e.api_id;
    if (!e.api_name.empty()) j["apiName"] = e.api_name;
    if (!e.selected.empty()) j["selSecurityMethod"] = e.selected;
    if (!e.designated_ccf_id.empty()) j["designatedCcfId"] = e.designated_ccf_id;
    if (!e.designated_ccf_trust_anchor.empty()) j["designatedCcfTrustAnchor"] = e.designated_ccf_trust_anchor;
    entries.push_back(j);
  }
  write_json("security.json", {{"created", n.created}, {"entries", entries}}, false);
}

Negotiation StateDir::load_negotiation() const {
  Negotiation n;
  auto j = read_json("security.json");
  if (!j) return n;
  n.created = j->value("created", false);
  for (const auto& e : j->value("entries", json::array())) {
    SecurityEntry s;
    s.aef_id = e.value("aefId", "");
    s.api_id = e.value("apiId", "");
    s.api_name = e.value("apiName", "");
    s.pref_methods = e.value("prefSecurityMethods", std::vector<std::string>{});
    s.selected = e.value("selSecurityMethod", "");
    s.designated_ccf_id = e.value("designatedCcfId", "");
    s.designated_ccf_trust_anchor = e.value("designatedCcfTrustAnchor", "");
    n.entries.push_back(std::move(s));
  }
  return n;
}

void StateDir::save_aefpsks(const std::map<std::string, Aefpsk>& keys) {
  json j = json::object();
  for (const auto& [aef, k] : keys)
    j[aef] = {{"interface", k.interface_info},
              {"key", crypto::base64_encode(k.key)},
              {"tls_version", k.tls_version},
              {"derived_at", k.derived_at}};
  write_json("aefpsk.json", j, true);
}

std::map<std::string, Aefpsk> StateDir::load_aefpsks() const {
  std::map<std::string, Aefpsk> out;
  auto j = read_json("aefpsk.json");
  if (!j) return out;
  for (const auto& [aef, v] : j->items()) {
    Aefpsk k;
    k.interface_info = v.value("interface", "");
    k.key = crypto::base64_decode(v.value("key", ""));
    k.tls_version = v.value("tls_version", "");
    k.derived_at = v.value("derived_at", std::int64_t{0});
    out.emplace(aef, std::move(k));
  }
  return out;
}

void StateDir::save_tokens(const std::vector<Token>& tokens) {
  json arr = json::array();
  for (const auto& t : tokens)
    arr.push_back({{"access_token", t.access_token},
                   {"scope", t.scope},
                   {"expires_at", t.expires_at},
                   {"obtained_at", t.obtained_at}});
  write_json("tokens.json", arr, true);
}

std::vector<Token> StateDir::load_tokens() const {
  std::vector<Token> out;
  auto j = read_json("tokens.json");
  if (!j || !j->is_array()) return out;
  for (const auto& t : *j)
    out.push_back(Token{t.value("access_token", ""), t.value("scope", ""),
                        t.value("expires_at", std::int64_t{0}), t.value("obtained_at", std::int64_t{0})});
  return out;
}

void StateDir::clear_identity() {
  for (const char* name : {"invoker.json", "invoker.key", "invoker.crt", "onboarding_secret",
                           "discovered.json", "security.json", "aefpsk.json", "tokens.json"}) {
    std::error_code ec;
    fs::remove(file(name), ec);
  }
}

const model::AefProfile* find_profile(const model::ServiceAPIDescription& api, const std::string& aef_id) {
  if (!api.aefProfiles) return nullptr;
  for (const auto& p : *api.aefProfiles)
    if (p.aefId == aef_id) return &p;
  return nullptr;
}

}  // namespace capif::invoker
