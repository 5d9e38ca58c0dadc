#include "ccf/service/security_api.hpp"
#include "ccf/service/security_resolve.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/jwt.hpp"
#include "capif/crypto/kdf.hpp"
#include "ccf/interconnect/peer_client.hpp"
#include "ccf/interconnect/peers.hpp"
#include "capif/http/uri.hpp"
#include "ccf/interconnect/sharing.hpp"
#include "ccf/service/capif_events.hpp"
#include "ccf/service/features.hpp"
#include "ccf/service/security_notifier.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>

namespace capif::ccf {
namespace {
constexpr const char* kCause = "UNEXPECTED_REASON";
}  // namespace

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

namespace {

std::vector<ServiceApiRecord> all_apis(const CcfStore& store, const std::optional<std::string>& aef_id) {
  std::vector<ServiceApiRecord> out;
  store.for_each_api(std::nullopt, aef_id, [&](const ServiceApiRecord& r) { out.push_back(r); });
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return *a.api.apiId < *b.api.apiId; });
  return out;
}

// The interface's securityMethods when it has them, else the AEF profile's (docs/security.md).
std::vector<std::string> methods_of(const model::AefProfile& p, const model::InterfaceDescription* intf) {
  if (intf && intf->securityMethods) return *intf->securityMethods;
  return p.securityMethods.value_or(std::vector<std::string>{});
}

void add_api(Resolved& r, const std::string& api_id, const std::vector<std::string>& methods) {
  if (r.api_ids.empty()) {
    r.methods = methods;
  } else {
    std::erase_if(r.methods, [&](const std::string& m) { return !contains(methods, m); });
  }
  r.api_ids.push_back(api_id);
}

}  // namespace

std::optional<Resolved> resolve(const CcfStore& store, const model::SecurityInformation& e,
                                const std::string& ptr, InvalidParams& errs) {
  Resolved r;
  if (e.aefId) {
    // By AEF: the entry covers the given API, or every API the AEF exposes; P0 is the first interface of
    // the (first) profile, the one whose methods count.
    for (const auto& rec : all_apis(store, *e.aefId)) {
      if (e.apiId && *rec.api.apiId != *e.apiId) continue;
      for (const auto& p : *rec.api.aefProfiles) {
        if (p.aefId != *e.aefId) continue;
        const model::InterfaceDescription* first =
            p.interfaceDescriptions && !p.interfaceDescriptions->empty() ? &p.interfaceDescriptions->front()
                                                                         : nullptr;
        if (r.api_ids.empty()) r.interface = model::aef_interface_string(p);
        add_api(r, *rec.api.apiId, methods_of(p, first));
        break;
      }
    }
    if (r.api_ids.empty()) {
      if (e.apiId)
        errs.push_back({ptr + "/apiId", "is not a service API exposed by AEF " + *e.aefId});
      else
        errs.push_back({ptr + "/aefId", "is not an AEF that exposes a published service API"});
      return std::nullopt;
    }
    r.aef_id = *e.aefId;
    return r;
  }
  // By interface: the canonical string must equal the one of a published interface.
  const std::string wanted = model::aef_interface_string(*e.interfaceDetails);
  for (const auto& rec : all_apis(store, std::nullopt)) {
    if (e.apiId && *rec.api.apiId != *e.apiId) continue;
    for (const auto& p : *rec.api.aefProfiles) {
      if (!r.aef_id.empty() && p.aefId != r.aef_id) continue;
      if (!p.interfaceDescriptions) continue;
      const auto it = std::find_if(p.interfaceDescriptions->begin(), p.interfaceDescriptions->end(),
                                   [&](const auto& i) { return model::aef_interface_string(i) == wanted; });
      if (it == p.interfaceDescriptions->end()) continue;
      r.aef_id = p.aefId;
      r.interface = wanted;
      add_api(r, *rec.api.apiId, methods_of(p, &*it));
      break;
    }
  }
  if (r.api_ids.empty()) {
    errs.push_back({ptr + "/interfaceDetails", "does not match an interface of a published service API" +
                                                   (e.apiId ? " " + *e.apiId : std::string())});
    return std::nullopt;
  }
  return r;
}

namespace {
bool constant_time_equal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

boost::asio::awaitable<model::ServiceSecurity> SecurityService::negotiate(
    const Principal& caller, const std::string& invoker_id, model::ServiceSecurity in, std::string aefpsk_key,
    std::string aefpsk_session_id, bool update) {
  if (caller.kind == PrincipalKind::peer_ccf) {
    if (update) throw ApiError::forbidden("a peer CCF forwards a negotiation with PUT only");
    co_return negotiate_for_peer(caller, invoker_id, std::move(in));
  }
  if (caller.kind != PrincipalKind::invoker || caller.id != invoker_id)
    throw ApiError::forbidden("an API invoker may only negotiate its own security methods");
  const auto previous = ctx_.store.security_context(invoker_id);
  if (update && !previous)
    throw ApiError::not_found("API invoker " + invoker_id + " has no security context to update");

  SecurityContextRecord rec;
  rec.api_invoker_id = invoker_id;
  InvalidParams errs;
  const auto& policy = ctx_.config.security.allowed_methods;
  // Entries of AEFs a peer CCF serves, by peer: (index in securityInfo, forwarded entry).
  std::map<std::string, std::vector<std::pair<std::size_t, model::SecurityInformation>>> remote;
  for (std::size_t i = 0; i < in.securityInfo.size(); ++i) {
    auto& e = in.securityInfo[i];
    const std::string ptr = "/securityInfo/" + std::to_string(i);
    clear_outputs(e);
    std::optional<Resolved> r;
    std::string designated;
    if (e.aefId && e.designatedCcfId && !known_here(*e.aefId)) {
      // Seed 7.2.2: "CCF-A checks if the target AEF is discovered by CCF-B" - an AEF CCF-B did not publish
      // here is looked up in CCF-B's Discover API (api-invoker-id = our CCF id).
      auto found = co_await discover_at_peer(*e.designatedCcfId, e, ptr, errs);
      r = std::move(found);
      designated = *e.designatedCcfId;
    } else {
      r = resolve(ctx_.store, e, ptr, errs);
      if (r) {
        auto api = ctx_.store.service_api(r->api_ids.front());
        designated = api ? designated_ccf_of(*api, ctx_.store) : std::string();
      }
    }
    if (!r) continue;
    SecurityEntry entry{r->aef_id, r->interface, r->api_ids, std::nullopt, {}};
    entry.ccf_id = designated;
    if (e.designatedCcfId && *e.designatedCcfId != entry.ccf_id) {
      errs.push_back({ptr + "/designatedCcfId", entry.ccf_id.empty()
                                                    ? "AEF " + r->aef_id + " is served by this CCF"
                                                    : "AEF " + r->aef_id + " is known via CCF " + entry.ccf_id});
      continue;
    }
    if (!entry.ccf_id.empty()) {
      const auto* peer = ctx_.config.peer(entry.ccf_id);
      if (!peer || !peer->shares("security")) {
        errs.push_back({ptr + "/aefId", "is served by CCF " + entry.ccf_id + ", which is not a peer for security"});
        continue;
      }
      e.designatedCcfId = entry.ccf_id;
      e.designatedCcfTrustAnchor = ctx_.peers->trust_anchor_pem(entry.ccf_id);
      // What this CCF passes on (seed 7.2.2): the invoker's order, narrowed to our policy and to PSK only
      // when this session can key it.
      model::SecurityInformation fwd;
      fwd.aefId = r->aef_id;
      fwd.apiId = e.apiId;
      for (const auto& m : e.prefSecurityMethods)
        if (contains(policy, m) && (m != "PSK" || !aefpsk_key.empty())) fwd.prefSecurityMethods.push_back(m);
      if (!fwd.prefSecurityMethods.empty()) remote[entry.ccf_id].emplace_back(i, std::move(fwd));
      rec.entries.push_back(std::move(entry));
      continue;
    }
    for (const auto& m : e.prefSecurityMethods) {
      if (!contains(r->methods, m) || !contains(policy, m)) continue;
      // PSK needs the key material of this TLS session (none on a PSK or plaintext session).
      if (m == "PSK" && aefpsk_key.empty()) continue;
      entry.method = m;
      break;
    }
    if (entry.method == "PSK")
      entry.psk = crypto::derive_aefpsk(aefpsk_key, entry.interface, aefpsk_session_id);
    e.selSecurityMethod = entry.method;
    rec.entries.push_back(std::move(entry));
  }
  if (!errs.empty())
    throw ApiError::bad_request("the security information names unknown AEFs or interfaces", errs);

  // Flow 1: each designated CCF selects the methods for its AEFs; a peer that fails fails the request.
  for (auto& [peer, items] : remote) {
    model::ServiceSecurity fwd;
    fwd.notificationDestination = in.notificationDestination;
    for (const auto& [i, item] : items) fwd.securityInfo.push_back(item);
    auto answer = co_await ctx_.peer_client->negotiate(peer, invoker_id, fwd);
    for (std::size_t k = 0; k < items.size(); ++k) {
      const std::size_t i = items[k].first;
      const auto& sel = answer.securityInfo[k].selSecurityMethod;
      if (sel && !contains(items[k].second.prefSecurityMethods, *sel))
        throw ApiError(502, "Bad Gateway", "peer CCF " + peer + " selected " + *sel + ", which was not offered",
                       "PEER_BAD_ANSWER");
      auto& entry = rec.entries[i];
      entry.method = sel;
      if (sel == "PSK") entry.psk = crypto::derive_aefpsk(aefpsk_key, entry.interface, aefpsk_session_id);
      in.securityInfo[i].selSecurityMethod = sel;
    }
  }
  // A peer that served an AEF of the previous negotiation but none of this one must forget the invoker:
  // a peer revocation in the outbox, written with the new context.
  RevocationOutcome dropped;
  dropped.invoker_id = invoker_id;
  if (previous)
    for (const auto& old : previous->entries)
      if (!old.ccf_id.empty() && !remote.contains(old.ccf_id) && !contains(dropped.peers, old.ccf_id))
        dropped.peers.push_back(old.ccf_id);
  rec.security = std::move(in);
  rec.security.supportedFeatures = negotiate_features(rec.security.supportedFeatures, kSecurityFeatures);
  rec.updated_at = unix_now();
  Notices notices;
  notices.messages = revocation_messages(dropped);
  notices.events = access_policy_events(ctx_, invoker_id, ctx_.store.security_context(invoker_id), rec);
  ctx_.store.put_security_context(rec, notices);
  spdlog::info("API invoker {} negotiated security methods for {} interfaces", invoker_id,
               rec.entries.size());
  co_return rec.security;
}

bool SecurityService::known_here(const std::string& aef_id) const {
  bool any = false;
  ctx_.store.for_each_api(std::nullopt, aef_id, [&](const ServiceApiRecord&) { any = true; });
  return any;
}

boost::asio::awaitable<std::optional<Resolved>> SecurityService::discover_at_peer(
    const std::string& peer_id, const model::SecurityInformation& e, const std::string& ptr,
    InvalidParams& errs) {
  const auto* peer = ctx_.config.peer(peer_id);
  if (!peer || !peer->shares("security") || !peer->shares("discover")) {
    errs.push_back({ptr + "/designatedCcfId", peer_id + " is not a peer this CCF asks about its AEFs"});
    co_return std::nullopt;
  }
  const std::string query = "aef-id=" + http::percent_encode(*e.aefId);
  auto apis = co_await ctx_.peer_client->discover(peer_id, query);
  Resolved r;
  r.aef_id = *e.aefId;
  for (const auto& api : apis) {
    if (!api.apiId || !api.aefProfiles || (e.apiId && *api.apiId != *e.apiId)) continue;
    for (const auto& p : *api.aefProfiles) {
      if (p.aefId != r.aef_id) continue;
      if (r.api_ids.empty()) r.interface = model::aef_interface_string(p);
      r.api_ids.push_back(*api.apiId);
      break;
    }
  }
  if (r.api_ids.empty()) {
    errs.push_back({ptr + "/aefId", "is not an AEF that " + peer_id + " shares with this CCF"});
    co_return std::nullopt;
  }
  co_return r;
}

SecurityContextRecord SecurityService::existing(const std::string& invoker_id) const {
  auto rec = ctx_.store.security_context(invoker_id);
  if (!rec) throw ApiError::not_found("API invoker " + invoker_id + " has no security context");
  return *rec;
}

std::vector<std::string> SecurityService::api_names(const std::string& aef_id,
                                                    const std::vector<std::string>& api_ids) const {
  std::vector<std::string> names;
  for (const auto& id : api_ids) {
    auto api = ctx_.store.service_api(id);
    if (!api || !api->api.aefProfiles) continue;
    const bool exposed = std::any_of(api->api.aefProfiles->begin(), api->api.aefProfiles->end(),
                                     [&](const auto& p) { return p.aefId == aef_id; });
    if (exposed && !contains(names, api->api.apiName)) names.push_back(api->api.apiName);
  }
  return names;
}

model::ServiceSecurity SecurityService::answer_for_aef(const SecurityContextRecord& rec,
                                                      const std::string& aef_id, bool authentication_info,
                                                      bool authorization_info) const {
  model::ServiceSecurity out = rec.security;
  out.securityInfo.clear();
  for (std::size_t i = 0; i < rec.entries.size(); ++i) {
    const auto& e = rec.entries[i];
    if (e.aef_id != aef_id || !e.ccf_id.empty()) continue;
    auto info = rec.security.securityInfo[i];
    info.designatedCcfTrustAnchor.reset();
    if (authentication_info && e.method == "PSK" && !e.psk.empty())
      info.authenticationInfo = crypto::base64_encode(e.psk);
    if (authentication_info && e.method == "PKI")
      info.authenticationInfo = rec.onboarded_ccf_id.empty() ? ctx_.pki.ca.cert_pem() : e.ca_pem;
    if (authorization_info && e.method)
      info.authorizationInfo =
          nlohmann::json{{"apiIds", e.api_ids}, {"apiNames", api_names(e.aef_id, e.api_ids)}}.dump();
    out.securityInfo.push_back(std::move(info));
  }
  // Whether it exists or not, an AEF learns nothing about an invoker that did not negotiate its APIs.
  if (out.securityInfo.empty())
    throw ApiError::forbidden("API invoker " + rec.api_invoker_id + " did not negotiate an API of this AEF");
  return out;
}

boost::asio::awaitable<model::ServiceSecurity> SecurityService::get(const Principal& caller,
                                                                    const std::string& invoker_id,
                                                                    bool authentication_info,
                                                                    bool authorization_info,
                                                                    std::optional<std::string> onboarded_ccf) {
  if (caller.kind != PrincipalKind::aef) throw ApiError::forbidden("only an AEF reads security information");
  if (!onboarded_ccf || *onboarded_ccf == ctx_.config.ccf.id)
    co_return answer_for_aef(existing(invoker_id), caller.id, authentication_info, authorization_info);

  // Flow 2: an invoker onboarded at a peer CCF; the AEFPSK or that CCF's CA is fetched once and kept.
  const auto* peer = ctx_.config.peer(*onboarded_ccf);
  if (!peer || !peer->shares("security"))
    throw ApiError::bad_request("onboardedCcfId is not a peer CCF of this CCF",
                                {{"onboardedCcfId", *onboarded_ccf + " is not a configured peer"}});
  auto rec = ctx_.store.remote_security_context(*onboarded_ccf, invoker_id);
  if (!rec)
    throw ApiError::not_found("API invoker " + invoker_id + " of CCF " + *onboarded_ccf +
                              " has no security context here");
  answer_for_aef(*rec, caller.id, false, false);  // 403 before any call to the peer
  if (authentication_info) co_await fetch_from_onboarded(*rec, caller.id);
  co_return answer_for_aef(*rec, caller.id, authentication_info, authorization_info);
}

std::optional<std::string> SecurityService::revoke_url(const std::string& aef_id,
                                                       const std::vector<std::string>& api_ids) const {
  std::vector<ServiceApiRecord> candidates;
  for (const auto& id : api_ids)
    if (auto rec = ctx_.store.service_api(id)) candidates.push_back(*rec);
  for (auto& rec : all_apis(ctx_.store, aef_id)) candidates.push_back(std::move(rec));
  for (const auto& rec : candidates)
    for (const auto& p : *rec.api.aefProfiles) {
      if (p.aefId != aef_id) continue;
      if (p.interfaceDescriptions && !p.interfaceDescriptions->empty()) {
        const auto& i = p.interfaceDescriptions->front();
        const std::string host = i.ipv4Addr ? *i.ipv4Addr : i.ipv6Addr ? "[" + *i.ipv6Addr + "]" : *i.fqdn;
        return "https://" + host + ":" + std::to_string(i.port.value_or(443)) +
               "/aef-security/v1/revoke-authorization";
      }
      if (p.domainName) return "https://" + *p.domainName + "/aef-security/v1/revoke-authorization";
    }
  return std::nullopt;
}

RevocationOutcome SecurityService::revoke_all(const Principal& caller, const std::string& invoker_id) {
  if (caller.kind == PrincipalKind::peer_ccf) return revoke_for_peer(caller, invoker_id);
  if (caller.kind == PrincipalKind::invoker && caller.id != invoker_id)
    throw ApiError::forbidden("an API invoker may only delete its own security context");
  auto rec = existing(invoker_id);
  const bool by_aef = caller.kind == PrincipalKind::aef;
  if (by_aef && std::none_of(rec.entries.begin(), rec.entries.end(),
                             [&](const auto& e) { return e.aef_id == caller.id; }))
    throw ApiError::forbidden("API invoker " + invoker_id + " did not negotiate an API of this AEF");
  RevocationOutcome out;
  std::vector<std::string> all_ids, all_aefs;
  for (const auto& e : rec.entries) {
    if (!contains(all_aefs, e.aef_id)) all_aefs.push_back(e.aef_id);
    for (const auto& id : e.api_ids)
      if (!contains(all_ids, id)) all_ids.push_back(id);
  }
  // The invoker is told when someone else revoked its authorization (TS 29.222 5.6.2.5).
  if (by_aef && !all_ids.empty()) {
    out.invoker_destination = rec.security.notificationDestination;
    out.notification = {invoker_id, caller.id, all_ids, kCause};
  }
  // Every other AEF drops its cached credentials of the invoker (TS 29.222 6.2.2.3), and every peer CCF
  // that serves some of them forgets the invoker and tells its own AEFs.
  out.aef_calls = aef_calls(rec, by_aef ? caller.id : std::string());
  out.invoker_id = invoker_id;
  for (const auto& e : rec.entries)
    if (!e.ccf_id.empty() && !contains(out.peers, e.ccf_id)) out.peers.push_back(e.ccf_id);
  Notices notices;
  notices.messages = revocation_messages(out);
  notices.events = access_policy_events(ctx_, invoker_id, rec, std::nullopt);
  notices.events.push_back(authorization_revoked_event(invoker_id, all_ids, all_aefs));
  ctx_.store.revoke_security(invoker_id, std::nullopt, unix_now(), notices);
  spdlog::info("security context of API invoker {} deleted by {} {}", invoker_id, to_string(caller.kind),
               caller.id);
  return out;
}

std::vector<RevocationOutcome::AefCall> SecurityService::aef_calls(const SecurityContextRecord& rec,
                                                                   const std::string& except_aef) const {
  std::vector<RevocationOutcome::AefCall> out;
  std::vector<std::string> aefs;
  for (const auto& e : rec.entries)
    if (e.ccf_id.empty() && e.aef_id != except_aef && !contains(aefs, e.aef_id)) aefs.push_back(e.aef_id);
  for (const auto& aef : aefs) {
    std::vector<std::string> ids;
    for (const auto& e : rec.entries)
      if (e.aef_id == aef)
        for (const auto& id : e.api_ids)
          if (!contains(ids, id)) ids.push_back(id);
    auto url = revoke_url(aef, ids);
    if (!url || ids.empty()) continue;
    out.push_back({aef, *url, {{rec.api_invoker_id, aef, ids, kCause}, "0"}});
  }
  return out;
}

RevocationOutcome SecurityService::offboarding_outcome(const SecurityContextRecord& rec) const {
  RevocationOutcome out;
  out.aef_calls = aef_calls(rec, {});
  out.invoker_id = rec.api_invoker_id;
  for (const auto& e : rec.entries)
    if (!e.ccf_id.empty() && !contains(out.peers, e.ccf_id)) out.peers.push_back(e.ccf_id);
  return out;
}

RevocationOutcome SecurityService::revoke_some(const Principal& caller, const std::string& invoker_id,
                                               const model::SecurityNotification& n) {
  if (n.apiInvokerId != invoker_id)
    throw ApiError::bad_request("apiInvokerId does not match the resource",
                                {{"/apiInvokerId", "must be " + invoker_id}});
  if (n.aefId && *n.aefId != caller.id)
    throw ApiError::forbidden("an AEF may only revoke authorizations for its own APIs");
  auto rec = existing(invoker_id);
  if (std::none_of(rec.entries.begin(), rec.entries.end(),
                   [&](const auto& e) { return e.aef_id == caller.id; }))
    throw ApiError::forbidden("API invoker " + invoker_id + " did not negotiate an API of this AEF");
  InvalidParams errs;
  for (std::size_t k = 0; k < n.apiIds.size(); ++k) {
    const bool negotiated = std::any_of(rec.entries.begin(), rec.entries.end(), [&](const auto& e) {
      return e.aef_id == caller.id && contains(e.api_ids, n.apiIds[k]);
    });
    if (!negotiated)
      errs.push_back({"/apiIds/" + std::to_string(k), "is not an API of this AEF the invoker negotiated"});
  }
  if (!errs.empty()) throw ApiError::bad_request("the notification names APIs outside the context", errs);

  SecurityContextRecord kept = rec;
  kept.entries.clear();
  kept.security.securityInfo.clear();
  for (std::size_t i = 0; i < rec.entries.size(); ++i) {
    auto e = rec.entries[i];
    if (e.aef_id == caller.id)
      std::erase_if(e.api_ids, [&](const auto& id) { return contains(n.apiIds, id); });
    if (e.api_ids.empty()) continue;
    kept.entries.push_back(std::move(e));
    kept.security.securityInfo.push_back(rec.security.securityInfo[i]);
  }
  std::optional<SecurityContextRecord> after;
  if (!kept.entries.empty()) {
    kept.updated_at = unix_now();
    after = std::move(kept);
  }
  RevocationOutcome out;
  out.invoker_destination = rec.security.notificationDestination;
  out.notification = n;
  out.notification.aefId = caller.id;
  Notices notices;
  notices.messages = revocation_messages(out);
  notices.events = access_policy_events(ctx_, invoker_id, rec, after);
  notices.events.push_back(authorization_revoked_event(invoker_id, n.apiIds, {caller.id}));
  ctx_.store.revoke_security(invoker_id, after, unix_now(), notices);
  spdlog::info("AEF {} revoked {} APIs of API invoker {}", caller.id, n.apiIds.size(), invoker_id);
  return out;
}

std::variant<model::AccessTokenRsp, TokenForward> SecurityService::token(const Principal& caller,
                                                                         const std::string& security_id,
                                                                         const model::AccessTokenReq& req,
                                                                         const std::string* authorization) const {
  if (req.grant_type != "client_credentials")
    throw TokenError(400, "unsupported_grant_type", "only grant_type=client_credentials is supported");
  // The client is the invoker of the mutual TLS session, named by the path and by client_id alike.
  if (req.client_id != security_id)
    throw TokenError(401, "invalid_client", "client_id must equal the securityId of the request URI");
  if (caller.kind == PrincipalKind::peer_ccf) {
    // Flow 3, designated side: the peer authenticated its invoker; we answer from the context it forwarded.
    const auto* peer = ctx_.config.peer(caller.id);
    if (!peer || !peer->shares("security"))
      throw TokenError(401, "invalid_client", "token requests are not shared with peer CCF " + caller.id);
    auto rec = ctx_.store.remote_security_context(caller.id, req.client_id);
    if (!rec)
      throw TokenError(400, "invalid_scope",
                       "API invoker " + req.client_id + " negotiated no API of this CCF via " + caller.id);
    return issue(req.client_id, *rec, req.scope, caller.id);
  }
  if (caller.kind != PrincipalKind::invoker || caller.id != req.client_id)
    throw TokenError(401, "invalid_client", "client_id is not the API invoker of this TLS session");
  auto invoker = ctx_.store.invoker(req.client_id);
  if (!invoker) throw TokenError(401, "invalid_client", "unknown API invoker");

  std::optional<std::string> secret = req.client_secret;
  if (authorization) {
    // RFC 6749 2.3.1: HTTP Basic with client_id:client_secret; a client uses one method only.
    if (secret)
      throw TokenError(400, "invalid_request", "client credentials given both in the body and in Basic");
    const std::string& h = *authorization;
    if (h.size() < 6 || !std::equal(h.begin(), h.begin() + 6, "Basic ", [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      throw TokenError(401, "invalid_client", "only HTTP Basic client authentication is supported");
    std::string decoded;
    try {
      decoded = crypto::base64_decode(h.substr(6));
    } catch (const std::exception&) {
      throw TokenError(401, "invalid_client", "malformed HTTP Basic credentials");
    }
    const auto colon = decoded.find(':');
    if (colon == std::string::npos || decoded.substr(0, colon) != req.client_id)
      throw TokenError(401, "invalid_client", "the HTTP Basic user must be the client_id");
    secret = decoded.substr(colon + 1);
  }
  if (!secret) throw TokenError(401, "invalid_client", "client_secret (the onboarding secret) is required");
  if (!constant_time_equal(crypto::sha256_hex(*secret), invoker->secret_hash))
    throw TokenError(401, "invalid_client", "wrong client_secret");

  auto rec = ctx_.store.security_context(req.client_id);
  if (!rec) throw TokenError(400, "invalid_scope", "the API invoker has not negotiated security methods");
  // Flow 3, onboarded side: AEFs a peer CCF serves get their token from that CCF; one scope goes to one
  // CCF (docs/interconnect.md: a scope mixing CCFs is refused, the invoker asks each CCF separately).
  std::set<std::string> ccfs;  // "" = this CCF
  const auto ccf_of = [&](const std::string& aef) -> std::optional<std::string> {
    for (const auto& e : rec->entries)
      if (e.aef_id == aef && e.method == "OAUTH") return e.ccf_id;
    return std::nullopt;
  };
  if (req.scope) {
    std::string why;
    auto scope = model::parse_scope(*req.scope, why);
    if (!scope) throw TokenError(400, "invalid_scope", why);
    for (const auto& s : *scope)
      if (auto c = ccf_of(s.aefId)) ccfs.insert(*c);
  } else {
    for (const auto& e : rec->entries)
      if (e.method == "OAUTH") ccfs.insert(e.ccf_id);
    if (ccfs.size() > 1 && ccfs.contains("")) ccfs = {""};  // the default scope: this CCF's AEFs
  }
  if (ccfs.size() > 1)
    throw TokenError(400, "invalid_scope",
                     "the scope names AEFs served by different CCFs; request one token per CCF");
  if (ccfs.size() == 1 && !ccfs.begin()->empty()) return TokenForward{*ccfs.begin(), req.scope.value_or("")};
  return issue(req.client_id, *rec, req.scope, {});
}

model::AccessTokenRsp SecurityService::issue(const std::string& client_id, const SecurityContextRecord& rec,
                                             const std::optional<std::string>& req_scope,
                                             const std::string& onboarded_ccf) const {
  // Per AEF served here: the API names of the entries that selected OAUTH.
  std::vector<model::ScopeEntry> allowed;
  for (const auto& e : rec.entries) {
    if (e.method != "OAUTH" || !e.ccf_id.empty()) continue;
    auto it =
        std::find_if(allowed.begin(), allowed.end(), [&](const auto& a) { return a.aefId == e.aef_id; });
    if (it == allowed.end()) it = allowed.insert(allowed.end(), {e.aef_id, {}});
    for (const auto& name : api_names(e.aef_id, e.api_ids))
      if (!contains(it->apiNames, name)) it->apiNames.push_back(name);
  }
  std::erase_if(allowed, [](const auto& a) { return a.apiNames.empty(); });

  std::vector<model::ScopeEntry> granted;
  if (!req_scope) {
    granted = allowed;  // RFC 6749 3.3: the server may apply a default scope
    if (granted.empty()) throw TokenError(400, "invalid_scope", "no API was negotiated with OAUTH");
  } else {
    std::string why;
    auto scope = model::parse_scope(*req_scope, why);
    if (!scope) throw TokenError(400, "invalid_scope", why);
    for (const auto& s : *scope) {
      auto it =
          std::find_if(allowed.begin(), allowed.end(), [&](const auto& a) { return a.aefId == s.aefId; });
      if (it == allowed.end())
        throw TokenError(400, "invalid_scope", "OAUTH was not negotiated for AEF " + s.aefId);
      for (const auto& name : s.apiNames)
        if (!contains(it->apiNames, name))
          throw TokenError(400, "invalid_scope",
                           "API " + name + " of AEF " + s.aefId + " was not negotiated");
    }
    granted = *scope;
  }

  const std::int64_t now = unix_now(), ttl = ctx_.config.security.token_ttl_s;
  std::vector<std::string> aud;
  for (const auto& g : granted) aud.push_back(g.aefId);
  const std::string scope = model::format_scope(granted);
  nlohmann::json claims{{"iss", client_id},
                              {"sub", client_id},
                              {"client_id", client_id},
                              {"aud", aud},
                              {"scope", scope},
                              {"iat", now},
                              {"exp", now + ttl},
                              {"jti", crypto::random_token(16)},
                              {"ccf_id", ctx_.config.ccf.id}};
  if (!onboarded_ccf.empty()) claims["onboarded_ccf_id"] = onboarded_ccf;
  model::AccessTokenRsp rsp;
  const auto key = ctx_.pki.signing->current();
  rsp.access_token = crypto::jws_sign_es256(claims, key->private_pem, key->kid);
  rsp.expires_in = ttl;
  rsp.scope = scope;
  return rsp;
}

// The current key, and after a rotation the previous one for as long as tokens it signed may be valid.
nlohmann::json SecurityService::jwks() const {
  auto keys = nlohmann::json::array();
  for (const auto& key : ctx_.pki.signing->verification_keys(false))
    keys.push_back(crypto::jwk_from_public_key_pem(key->public_pem, key->kid));
  return {{"keys", keys}};
}

}  // namespace capif::ccf
