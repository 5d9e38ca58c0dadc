// CAPIF_Security_API over CAPIF-6/6e (docs/interconnect.md): the designated CCF's side of a forwarded
// negotiation and revocation, the fetch of an AEFPSK or CA from the onboarded CCF, and the onboarded
// CCF's answer to that fetch.
#include "capif/crypto/encoding.hpp"
#include "ccf/interconnect/peer_client.hpp"
#include "ccf/interconnect/peers.hpp"
#include "ccf/interconnect/sharing.hpp"
#include "ccf/service/security_api.hpp"
#include "ccf/service/security_notifier.hpp"
#include "ccf/service/security_resolve.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace capif::ccf {

void SecurityService::check_peer(const Principal& peer) const {
  const auto* p = ctx_.config.peer(peer.id);
  if (peer.kind != PrincipalKind::peer_ccf || !p || !p->shares("security"))
    throw ApiError::forbidden("security information is not shared with CCF " + peer.id);
}

model::ServiceSecurity SecurityService::negotiate_for_peer(const Principal& peer, const std::string& invoker_id,
                                                           model::ServiceSecurity in) {
  check_peer(peer);
  // Only APIs we share with this peer can be negotiated through it. It names them by the ids it gave our
  // publications, or by ours when it learnt them from our Discover API.
  const auto* link = ctx_.config.peer(peer.id);
  std::vector<std::string> shared;
  ctx_.store.for_each_api(std::nullopt, std::nullopt, [&](const ServiceApiRecord& rec) {
    // Only APIs of our own AEFs: one relayed from a third CCF is negotiated there, not here.
    if (published_here(rec, ctx_.store) && shareable_to(rec, *link, ctx_.config, ctx_.store))
      shared.push_back(*rec.api.apiId);
  });
  std::map<std::string, std::string> local_of_remote;
  for (const auto& pub : ctx_.store.peer_publications(peer.id)) local_of_remote[pub.remote_api_id] = pub.api_id;
  // Invoker ids are unique here across our own invokers and every peer's: a peer cannot take the id of
  // one of ours (or of another peer's) and have its context, revocation time or AEF cache entry confused.
  bool taken = ctx_.store.invoker(invoker_id).has_value();
  ctx_.store.for_each_remote_security_context([&](const SecurityContextRecord& r) {
    if (r.api_invoker_id == invoker_id && r.onboarded_ccf_id != peer.id) taken = true;
  });
  if (taken)
    throw ApiError(409, "Conflict", "API invoker id " + invoker_id + " is already in use at this CCF", "CONFLICT",
                   {{"apiInvokerId", "is taken by another API invoker"}});
  SecurityContextRecord rec;
  rec.api_invoker_id = invoker_id;
  rec.onboarded_ccf_id = peer.id;
  InvalidParams errs;
  const auto& policy = ctx_.config.security.allowed_methods;
  for (std::size_t i = 0; i < in.securityInfo.size(); ++i) {
    auto& e = in.securityInfo[i];
    const std::string ptr = "/securityInfo/" + std::to_string(i);
    clear_outputs(e);
    e.designatedCcfId.reset();  // we are the designated CCF
    if (e.apiId) {
      auto it = local_of_remote.find(*e.apiId);
      if (it != local_of_remote.end()) e.apiId = it->second;
      if (!contains(shared, *e.apiId)) {
        errs.push_back({ptr + "/apiId", "is not a service API this CCF shares with " + peer.id});
        continue;
      }
    }
    auto r = resolve(ctx_.store, e, ptr, errs);
    if (!r) continue;
    std::erase_if(r->api_ids, [&](const std::string& id) { return !contains(shared, id); });
    if (r->api_ids.empty()) {
      errs.push_back({ptr + "/aefId", "exposes no service API shared with " + peer.id});
      continue;
    }
    // The invoker's order as the onboarded CCF passed it on x the AEF's methods x our policy. PSK is the
    // onboarded CCF's to key (it derived the AEFPSK from the invoker's CAPIF-1e session).
    SecurityEntry entry{r->aef_id, r->interface, r->api_ids, std::nullopt, {}};
    for (const auto& m : e.prefSecurityMethods)
      if (contains(r->methods, m) && contains(policy, m)) {
        entry.method = m;
        break;
      }
    e.selSecurityMethod = entry.method;
    rec.entries.push_back(std::move(entry));
  }
  if (!errs.empty())
    throw ApiError::bad_request("the forwarded security information names AEFs this CCF does not share", errs);
  rec.security = in;
  rec.updated_at = unix_now();
  ctx_.store.put_remote_security_context(rec);
  spdlog::info("peer CCF {} negotiated {} entries for its API invoker {}", peer.id, rec.entries.size(),
               invoker_id);
  return in;
}

model::ServiceSecurity SecurityService::security_info_for_peer(const Principal& peer,
                                                               const std::string& invoker_id,
                                                               const std::string& aef_id) const {
  check_peer(peer);
  auto rec = existing(invoker_id);
  model::ServiceSecurity out = rec.security;
  out.securityInfo.clear();
  for (std::size_t i = 0; i < rec.entries.size(); ++i) {
    const auto& e = rec.entries[i];
    if (e.ccf_id != peer.id || e.aef_id != aef_id || !e.method) continue;
    auto info = rec.security.securityInfo[i];
    info.designatedCcfTrustAnchor.reset();
    if (e.method == "PSK") info.authenticationInfo = crypto::base64_encode(e.psk);
    if (e.method == "PKI") info.authenticationInfo = ctx_.pki.ca.cert_pem();
    out.securityInfo.push_back(std::move(info));
  }
  // Only to the peer through which the invoker negotiated that very AEF (docs/interconnect.md flow 2).
  if (out.securityInfo.empty())
    throw ApiError::forbidden("API invoker " + invoker_id + " did not negotiate AEF " + aef_id + " via " + peer.id);
  spdlog::info("security information of API invoker {} for AEF {} handed to peer CCF {}", invoker_id, aef_id,
               peer.id);
  return out;
}

boost::asio::awaitable<void> SecurityService::fetch_from_onboarded(SecurityContextRecord& rec,
                                                                   const std::string& aef_id) {
  const bool missing = std::any_of(rec.entries.begin(), rec.entries.end(), [&](const SecurityEntry& e) {
    return e.aef_id == aef_id && ((e.method == "PSK" && e.psk.empty()) || (e.method == "PKI" && e.ca_pem.empty()));
  });
  if (!missing) co_return;
  auto info = co_await ctx_.peer_client->security_info(rec.onboarded_ccf_id, rec.api_invoker_id, aef_id);
  // The context may have been revoked or renegotiated while we waited: never write back a stale one.
  auto current = ctx_.store.remote_security_context(rec.onboarded_ccf_id, rec.api_invoker_id);
  if (!current || current->updated_at != rec.updated_at || current->entries.size() != rec.entries.size())
    throw ApiError::not_found("the security context of API invoker " + rec.api_invoker_id +
                              " changed while its keys were fetched; try again");
  for (auto& e : rec.entries) {
    if (e.aef_id != aef_id) continue;
    for (const auto& i : info.securityInfo) {
      if (!i.authenticationInfo || i.selSecurityMethod != e.method) continue;
      try {
        if (e.method == "PSK") e.psk = crypto::base64_decode(*i.authenticationInfo);
      } catch (const std::exception&) {
        throw ApiError(502, "Bad Gateway", "peer CCF " + rec.onboarded_ccf_id + " sent an AEFPSK that is not base64",
                       "PEER_BAD_ANSWER");
      }
      // The CA handed to our AEF is trusted by its listener: only the peer's configured anchor will do.
      if (e.method == "PKI") {
        if (!ctx_.peers->is_trust_anchor(rec.onboarded_ccf_id, *i.authenticationInfo))
          throw ApiError(502, "Bad Gateway",
                         "peer CCF " + rec.onboarded_ccf_id + " handed over a CA that is not its configured trust anchor",
                         "PEER_BAD_ANSWER");
        e.ca_pem = *i.authenticationInfo;
      }
    }
  }
  ctx_.store.put_remote_security_context(rec);
  spdlog::info("fetched the security information of API invoker {} for AEF {} from peer CCF {}",
               rec.api_invoker_id, aef_id, rec.onboarded_ccf_id);
}

RevocationOutcome SecurityService::revoke_for_peer(const Principal& peer, const std::string& invoker_id) {
  check_peer(peer);
  auto rec = ctx_.store.remote_security_context(peer.id, invoker_id);
  if (!rec)
    throw ApiError::not_found("API invoker " + invoker_id + " of " + peer.id + " has no security context here");
  RevocationOutcome out;
  out.aef_calls = aef_calls(*rec, {});
  Notices notices;
  notices.messages = revocation_messages(out);  // our AEFs drop the invoker (outbox, retried)
  ctx_.store.revoke_remote_security(peer.id, invoker_id, unix_now(), notices);
  spdlog::info("peer CCF {} revoked its API invoker {}", peer.id, invoker_id);
  return out;
}

}  // namespace capif::ccf
