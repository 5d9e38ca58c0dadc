#include "invoker/client/operations.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/kdf.hpp"
#include "capif/crypto/pki.hpp"
#include "capif/model/discover_service_api.hpp"
#include "invoker/client/scope.hpp"
#include "invoker/errors.hpp"

#include <algorithm>
#include <chrono>
#include <regex>
#include <set>

namespace capif::invoker {
using nlohmann::json;

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string credential_issuer(const std::string& jwt) {
  const auto first = jwt.find('.');
  const auto second = first == std::string::npos ? first : jwt.find('.', first + 1);
  if (second == std::string::npos) return "";
  try {
    auto claims = json::parse(crypto::base64url_decode(jwt.substr(first + 1, second - first - 1)));
    auto iss = claims.find("iss");
    return claims.is_object() && iss != claims.end() && iss->is_string() ? iss->get<std::string>() : "";
  } catch (const std::exception&) {
    return "";
  }
}

bool valid_ccf_id(const std::string& id) {
  static const std::regex re("[A-Za-z0-9._-]{1,64}");
  return std::regex_match(id, re);
}

std::string designated_ccf(const model::ServiceAPIDescription& api, const std::string& own_ccf_id) {
  if (!api.ccfId || api.ccfId->empty() || *api.ccfId == own_ccf_id) return "";
  return *api.ccfId;
}

json onboard(StateDir& state, CcfApi& ccf, const std::string& credential) {
  if (state.onboarded())
    throw local_error("already onboarded as " + state.require_identity().invoker_id + " (offboard first)");
  auto settings = state.require_ccf();
  const std::string key = crypto::generate_ec_key_pem();
  json body{{"notificationDestination", settings.notification_destination},
            {"onboardingInformation", {{"apiInvokerPublicKey", crypto::make_csr_pem(key, "capif-invoker")}}},
            {"apiInvokerInformation", "capif-invoker"},
            {"supportedFeatures", "0"}};
  auto a = ccf.onboard(credential, body);
  if (a.status != 201) throw_remote("onboarding", a);
  InvokerIdentity id;
  id.key_pem = key;
  try {
    id.invoker_id = a.body.at("apiInvokerId");
    id.cert_pem = a.body.at("onboardingInformation").at("apiInvokerCertificate");
    id.onboarding_secret = a.body.at("onboardingInformation").value("onboardingSecret", "");
  } catch (const std::exception& e) {
    throw InvokerError(ErrorKind::remote, std::string("onboarding answer lacks a field: ") + e.what(),
                       a.status, a.body);
  }
  state.save_identity(id, a.body);
  if (settings.ccf_id.empty()) {
    // The CCF that accepted the credential is the one that minted it (it refuses another CCF's).
    settings.ccf_id = credential_issuer(credential);
    state.save_ccf(settings);
  }
  auto cert = crypto::inspect_cert(id.cert_pem);
  return {{"apiInvokerId", id.invoker_id},
          {"ccfId", settings.ccf_id},
          {"certificate",
           {{"subject_cn", cert.subject_cn}, {"issuer_cn", cert.issuer_cn}, {"not_after", cert.not_after}}},
          {"state_dir", state.path().string()}};
}

json discover(StateDir& state, CcfApi& ccf, const std::optional<std::string>& api_name,
              const std::optional<std::string>& aef_id) {
  const auto id = state.require_identity();
  http::QueryParams q;
  if (api_name) q.emplace_back("api-name", *api_name);
  if (aef_id) q.emplace_back("aef-id", *aef_id);
  auto a = ccf.discover(id.invoker_id, q);
  if (a.status != 200) throw_remote("discovery", a);
  json body = a.body.is_object() ? a.body : json::object();
  model::DiscoveredAPIs found;
  InvalidParams errs;
  if (body.contains("serviceAPIDescriptions") && !model::from_json(body, found, "", errs))
    throw InvokerError(ErrorKind::remote, "discovery answer is not a valid DiscoveredAPIs", a.status, body);
  state.merge_discovered(found.serviceAPIDescriptions);
  if (!body.contains("serviceAPIDescriptions")) body["serviceAPIDescriptions"] = json::array();
  return body;
}

json offboard(StateDir& state, CcfApi& ccf) {
  const auto id = state.require_identity();
  auto a = ccf.offboard(id.invoker_id);
  // 404: already gone at the CCF (e.g. offboarded by the operator); the local identity is useless too.
  if (a.status != 204 && a.status != 200 && a.status != 404) throw_remote("offboarding", a);
  state.clear_identity();
  return {{"offboarded", id.invoker_id}, {"status", a.status}};
}

std::vector<SecurityEntry> merge_entries(std::vector<SecurityEntry> stored,
                                         const std::vector<SecurityEntry>& fresh) {
  for (const auto& f : fresh)
    std::erase_if(stored, [&](const SecurityEntry& s) {
      return s.aef_id == f.aef_id && (s.api_id == f.api_id || s.api_id.empty() || f.api_id.empty());
    });
  stored.insert(stored.end(), fresh.begin(), fresh.end());
  return stored;
}

json service_security_body(const std::vector<SecurityEntry>& entries, const std::string& notification) {
  json info = json::array();
  for (const auto& e : entries) {
    json j{{"aefId", e.aef_id}, {"prefSecurityMethods", e.pref_methods}};
    if (!e.api_id.empty()) j["apiId"] = e.api_id;
    // Extension (interconnection): the AEF is registered at that CCF, not at the one we ask.
    if (!e.designated_ccf_id.empty()) j["designatedCcfId"] = e.designated_ccf_id;
    info.push_back(j);
  }
  return {{"securityInfo", info}, {"notificationDestination", notification}, {"supportedFeatures", "0"}};
}

void apply_negotiation_answer(std::vector<SecurityEntry>& entries, const json& info) {
  auto str = [](const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  // Answers come in request order; an entry is also matched by aefId/apiId in case the CCF reorders.
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto& e = entries[i];
    const json* match = nullptr;
    if (i < info.size() && info[i].is_object() &&
        (!info[i].contains("aefId") || str(info[i], "aefId") == e.aef_id))
      match = &info[i];
    for (const auto& r : info)
      if (!match && r.is_object() && str(r, "aefId") == e.aef_id && str(r, "apiId") == e.api_id) match = &r;
    e.selected = match ? str(*match, "selSecurityMethod") : "";
    // The CCF's word on where the AEF is registered wins over what we asked for. A remote entry without
    // an anchor stays unusable (resolve_target says so) rather than falling back to our CCF's CA, which
    // did not issue that AEF's certificate.
    if (match && !str(*match, "designatedCcfId").empty())
      e.designated_ccf_id = str(*match, "designatedCcfId");
    e.designated_ccf_trust_anchor =
        match && !e.designated_ccf_id.empty() ? str(*match, "designatedCcfTrustAnchor") : "";
  }
}

namespace {

const model::AefProfile* discovered_profile(const std::vector<model::ServiceAPIDescription>& apis,
                                            const std::string& aef_id, const std::string& api_id) {
  for (const auto& a : apis)
    if (api_id.empty() || (a.apiId && *a.apiId == api_id))
      if (auto* p = find_profile(a, aef_id)) return p;
  return nullptr;
}

json send_negotiation(StateDir& state, CcfApi& ccf, Negotiation n) {
  const auto id = state.require_identity();
  const auto settings = state.require_ccf();
  // The designated CCF comes from the latest discovery (an API may have moved); an entry whose API is
  // no longer discovered keeps the one it had.
  for (const auto& a : state.load_discovered())
    for (auto& e : n.entries)
      if (find_profile(a, e.aef_id) && (e.api_id.empty() || a.apiId.value_or("") == e.api_id))
        e.designated_ccf_id = designated_ccf(a, settings.ccf_id);
  const auto body = service_security_body(n.entries, settings.notification_destination);
  auto a = ccf.negotiate(id.invoker_id, body, n.created);
  if (!n.created && (a.status == 403 || a.status == 409)) {
    // The resource exists already (state lost or created by another run): update it instead.
    a = ccf.negotiate(id.invoker_id, body, true);
  }
  if (a.status != 201 && a.status != 200) throw_remote("security method negotiation", a);
  if (!a.body.is_object() || !a.body.contains("securityInfo") || !a.body["securityInfo"].is_array())
    throw InvokerError(ErrorKind::remote, "negotiation answer lacks securityInfo", a.status, a.body);
  apply_negotiation_answer(n.entries, a.body["securityInfo"]);
  n.created = true;
  state.save_negotiation(n);

  // AEFPSK for every AEF whose entry selected PSK, from the TLS session of this very request.
  auto keys = state.load_aefpsks();
  const auto apis = state.load_discovered();
  json derived = json::array();
  std::string missing;
  std::set<std::string> psk_aefs;
  for (const auto& e : n.entries) {
    if (e.selected != "PSK" || psk_aefs.count(e.aef_id)) continue;
    psk_aefs.insert(e.aef_id);
    const auto* profile = discovered_profile(apis, e.aef_id, e.api_id);
    if (!profile) {
      missing += " " + e.aef_id + " (not discovered)";
      continue;
    }
    if (a.tls.aefpsk_key.empty()) {
      missing += " " + e.aef_id + " (the CCF session has no AEFPSK material)";
      continue;
    }
    Aefpsk k;
    k.interface_info = model::aef_interface_string(*profile);
    k.key = crypto::derive_aefpsk(a.tls.aefpsk_key, k.interface_info, a.tls.aefpsk_session_id);
    k.tls_version = a.tls.version;
    k.derived_at = unix_now();
    derived.push_back({{"aefId", e.aef_id}, {"interface", k.interface_info}, {"tls_version", k.tls_version}});
    keys[e.aef_id] = std::move(k);
  }
  std::erase_if(keys, [&](const auto& kv) { return !psk_aefs.count(kv.first); });
  state.save_aefpsks(keys);
  if (!missing.empty())
    throw InvokerError(ErrorKind::local, "PSK selected but no AEFPSK could be derived for:" + missing,
                       a.status, a.body);
  json out = a.body;
  out["aefpsk"] = derived;
  return out;
}

}  // namespace

json negotiate(StateDir& state, CcfApi& ccf, const std::vector<NegotiationRequest>& requests) {
  const auto apis = state.load_discovered();
  std::vector<SecurityEntry> fresh;
  for (const auto& r : requests) {
    if (r.methods.empty()) throw usage_error("no security method given for " + r.aef_id);
    bool any = false;
    for (const auto& a : apis) {
      if (!r.api_id.empty() && a.apiId.value_or("") != r.api_id) continue;
      if (!find_profile(a, r.aef_id)) continue;
      fresh.push_back(SecurityEntry{r.aef_id, a.apiId.value_or(""), a.apiName, r.methods, ""});
      any = true;
    }
    if (!any)
      throw local_error("no discovered API " + (r.api_id.empty() ? "" : r.api_id + " ") + "at AEF " +
                        r.aef_id + " (run capif-invoker discover first)");
  }
  auto n = state.load_negotiation();
  n.entries = merge_entries(std::move(n.entries), fresh);
  return send_negotiation(state, ccf, std::move(n));
}

json renegotiate(StateDir& state, CcfApi& ccf) {
  auto n = state.load_negotiation();
  if (n.entries.empty()) throw local_error("nothing negotiated yet");
  return send_negotiation(state, ccf, std::move(n));
}

json obtain_token(StateDir& state, CcfApi& ccf, const std::string& scope) {
  const auto id = state.require_identity();
  if (!parse_scope(scope))
    throw usage_error("scope must look like 3gpp#aefId:apiName[,apiName][;aefId:apiName]");
  auto a = ccf.token(id.invoker_id, id.onboarding_secret, scope);
  if (a.status != 200) throw_remote("access token request", a);
  if (!a.body.is_object() || !a.body.contains("access_token") || !a.body["access_token"].is_string())
    throw InvokerError(ErrorKind::remote, "token answer is not an AccessTokenRsp", a.status, a.body);
  Token t;
  t.access_token = a.body["access_token"];
  t.scope = a.body.value("scope", scope);
  t.obtained_at = unix_now();
  t.expires_at = t.obtained_at + (a.body.contains("expires_in") && a.body["expires_in"].is_number_integer()
                                      ? a.body["expires_in"].get<std::int64_t>()
                                      : 0);
  auto tokens = state.load_tokens();
  const auto now = unix_now();
  std::erase_if(tokens, [&](const Token& o) { return o.scope == t.scope || o.expires_at <= now; });
  tokens.push_back(t);
  state.save_tokens(tokens);
  return a.body;
}

std::optional<Token> usable_token(const std::vector<Token>& tokens, const std::string& aef_id,
                                  const std::string& api_name, std::int64_t margin_s, std::int64_t now) {
  std::optional<Token> best;
  for (const auto& t : tokens)
    if (t.expires_at - margin_s > now && scope_covers(t.scope, aef_id, api_name) &&
        (!best || t.expires_at > best->expires_at))
      best = t;
  return best;
}

const SecurityEntry* negotiated_entry(const Negotiation& n, const std::string& aef_id,
                                      const std::string& api_id) {
  for (const auto& e : n.entries)
    if (e.aef_id == aef_id && !api_id.empty() && e.api_id == api_id) return &e;
  for (const auto& e : n.entries)
    if (e.aef_id == aef_id && e.api_id.empty()) return &e;
  return nullptr;
}

std::string selected_method(const Negotiation& n, const std::string& aef_id, const std::string& api_id) {
  const auto* e = negotiated_entry(n, aef_id, api_id);
  return e ? e->selected : "";
}

AefTarget resolve_target(const StateDir& state, const std::string& api_name, const std::string& aef_id) {
  AefTarget t;
  for (const auto& a : state.load_discovered()) {
    if (a.apiName != api_name || !a.aefProfiles) continue;
    for (const auto& p : *a.aefProfiles) {
      if (!aef_id.empty() && p.aefId != aef_id) continue;
      t.aef_id = p.aefId;
      t.api_id = a.apiId.value_or("");
      t.api_name = a.apiName;
      t.profile = p;
      break;
    }
    if (!t.aef_id.empty()) break;
  }
  if (t.aef_id.empty())
    throw local_error("API " + api_name + (aef_id.empty() ? "" : " at AEF " + aef_id) +
                      " was not discovered (run capif-invoker discover)");
  const auto negotiation = state.load_negotiation();
  const auto* entry = negotiated_entry(negotiation, t.aef_id, t.api_id);
  t.method = entry ? entry->selected : "";
  if (t.method.empty())
    throw local_error("no security method negotiated for " + api_name + " at AEF " + t.aef_id +
                      " (run capif-invoker security)");
  t.designated_ccf_id = entry->designated_ccf_id;
  t.trust_anchor_pem = entry->designated_ccf_trust_anchor;
  if (!t.designated_ccf_id.empty() && t.trust_anchor_pem.empty())
    throw local_error("AEF " + t.aef_id + " is registered at CCF " + t.designated_ccf_id +
                      " but the negotiation gave no designatedCcfTrustAnchor to verify it with");
  if (t.method == "PSK") {
    auto keys = state.load_aefpsks();
    auto it = keys.find(t.aef_id);
    if (it == keys.end())
      throw local_error("PSK negotiated for AEF " + t.aef_id + " but no AEFPSK is stored");
    t.psk_key = it->second.key;
  }
  return t;
}

}  // namespace capif::invoker
