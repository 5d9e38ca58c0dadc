// Who may receive which CAPIFEvent (docs/security.md, events). A subscription names event types; what
// it is sent is still only what its subscriber may see, decided per occurrence from the registry:
// - SERVICE_API_AVAILABLE / UPDATE / UNAVAILABLE: anyone (what discovery shows anyway);
// - API_INVOKER_ONBOARDED / UPDATED / OFFBOARDED, API_INVOKER_AUTHORIZATION_REVOKED,
//   SERVICE_API_INVOCATION_SUCCESS / FAILURE: the invoker concerned, and provider functions (for the
//   authorization and invocation events, only those of the provider domain of an AEF or API concerned);
// - ACCESS_CONTROL_POLICY_UPDATE / UNAVAILABLE, API_TOPOLOGY_HIDING_CREATED / REVOKED: provider functions
//   of the provider domain of an AEF or API concerned (a policy list names other invokers).
#include "ccf/store/ccf_store.hpp"

#include <algorithm>

namespace capif::ccf {
namespace {
bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
bool one_of(const std::string& event, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return event == n; });
}
}  // namespace

bool CcfStore::may_receive_locked(const std::string& subscriber, const EventOccurrence& ev) const {
  const std::string& event = ev.event;
  if (one_of(event, {"SERVICE_API_AVAILABLE", "SERVICE_API_UPDATE", "SERVICE_API_UNAVAILABLE"})) return true;
  const bool about_invoker = one_of(event, {"API_INVOKER_ONBOARDED", "API_INVOKER_UPDATED", "API_INVOKER_OFFBOARDED",
                                            "API_INVOKER_AUTHORIZATION_REVOKED", "SERVICE_API_INVOCATION_SUCCESS",
                                            "SERVICE_API_INVOCATION_FAILURE"});
  if (invokers_.contains(subscriber)) return about_invoker && has(ev.invoker_ids, subscriber);
  const auto dom = function_domain_.find(subscriber);
  if (dom == function_domain_.end()) return false;  // neither an invoker nor a provider function of ours
  if (one_of(event, {"API_INVOKER_ONBOARDED", "API_INVOKER_UPDATED", "API_INVOKER_OFFBOARDED"})) return true;
  // The rest concern APIs and AEFs: only their own provider domain.
  const auto in_domain = [&](const std::string& function_id) {
    auto it = function_domain_.find(function_id);
    return it != function_domain_.end() && it->second == dom->second;
  };
  if (std::any_of(ev.aef_ids.begin(), ev.aef_ids.end(), in_domain)) return true;
  return std::any_of(ev.api_ids.begin(), ev.api_ids.end(), [&](const std::string& id) {
    auto it = apis_.find(id);
    return it != apis_.end() && in_domain(it->second->apf_id);
  });
}

}  // namespace capif::ccf
