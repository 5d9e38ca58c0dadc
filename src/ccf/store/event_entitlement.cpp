// Who may receive which CAPIFEvent (docs/security.md, events). A subscription names event types; what
// it is sent is still only what its subscriber may see, decided per occurrence from the registry:
// - SERVICE_API_AVAILABLE / UPDATE / UNAVAILABLE: anyone (what discovery shows anyway);
// - API_INVOKER_ONBOARDED / UPDATED / OFFBOARDED, API_INVOKER_AUTHORIZATION_REVOKED,
//   SERVICE_API_INVOCATION_SUCCESS / FAILURE: the invoker concerned, and provider functions (for the
//   authorization and invocation events, only those of the provider domain of an AEF or API concerned);
// - ACCESS_CONTROL_POLICY_UPDATE / UNAVAILABLE, API_TOPOLOGY_HIDING_CREATED / REVOKED: provider functions
//   of the provider domain of an AEF or API concerned (a policy list names other invokers).
// A subscription that asks for what its subscriber can never be sent is refused (unreceivable(), 403 naming
// the field): an invoker asking for policy or topology events, an invoker filtering its invoker events on
// other invokers only, a provider function filtering its domain-scoped events on no AEF or API of its own
// domain (an unknown id counts as not its own, so that the answer does not tell which ids exist elsewhere).
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
bool about_invoker(const std::string& event) {
  return one_of(event, {"API_INVOKER_ONBOARDED", "API_INVOKER_UPDATED", "API_INVOKER_OFFBOARDED",
                        "API_INVOKER_AUTHORIZATION_REVOKED", "SERVICE_API_INVOCATION_SUCCESS",
                        "SERVICE_API_INVOCATION_FAILURE"});
}
// Provider functions: events of one AEF's API (one domain), sent only to functions of that domain.
bool of_one_domain(const std::string& event) {
  return one_of(event, {"ACCESS_CONTROL_POLICY_UPDATE", "ACCESS_CONTROL_POLICY_UNAVAILABLE",
                        "API_TOPOLOGY_HIDING_CREATED", "API_TOPOLOGY_HIDING_REVOKED",
                        "SERVICE_API_INVOCATION_SUCCESS", "SERVICE_API_INVOCATION_FAILURE"});
}
}  // namespace

bool CcfStore::may_receive(const std::string& subscriber_id, const EventOccurrence& ev) const {
  std::shared_lock lock(mutex_);
  return may_receive_locked(subscriber_id, ev);
}

InvalidParams CcfStore::unreceivable(const std::string& subscriber,
                                     const model::EventSubscription& sub) const {
  InvalidParams out;
  std::shared_lock lock(mutex_);
  const bool invoker = invokers_.contains(subscriber);
  const auto dom = function_domain_.find(subscriber);
  // No id of this domain: an unknown id is refused like another domain's (same answer, no existence oracle).
  const auto all_elsewhere = [&](const std::vector<std::string>& ids, bool apis) {
    return std::none_of(ids.begin(), ids.end(), [&](const std::string& id) {
      std::string owner = id;
      if (apis) {
        auto api = apis_.find(id);
        if (api == apis_.end()) return false;
        owner = api->second->apf_id;
      }
      auto it = function_domain_.find(owner);
      return it != function_domain_.end() && it->second == dom->second;
    });
  };
  for (std::size_t i = 0; i < sub.events.size(); ++i) {
    const std::string& event = sub.events[i];
    const std::string at = "/events/" + std::to_string(i);
    const model::CAPIFEventFilter* filter =
        sub.eventFilters && i < sub.eventFilters->size() ? &(*sub.eventFilters)[i] : nullptr;
    const std::string filter_at = "/eventFilters/" + std::to_string(i);
    if (invoker) {
      if (!one_of(event, {"SERVICE_API_AVAILABLE", "SERVICE_API_UPDATE", "SERVICE_API_UNAVAILABLE"}) &&
          !about_invoker(event))
        out.push_back({at, event + " concerns provider domains (access control policies, routing); an API "
                                   "invoker is never sent it"});
      else if (about_invoker(event) && filter && filter->apiInvokerIds &&
               !has(*filter->apiInvokerIds, subscriber))
        out.push_back(
            {filter_at + "/apiInvokerIds",
             "names only other API invokers; an API invoker is only sent " + event + " about itself"});
    } else if (dom != function_domain_.end() && of_one_domain(event) && filter) {
      if (filter->aefIds && all_elsewhere(*filter->aefIds, false))
        out.push_back({filter_at + "/aefIds", "names no AEF of this provider domain; " + event +
                                                  " is only sent about this provider domain"});
      if (filter->apiIds && all_elsewhere(*filter->apiIds, true))
        out.push_back({filter_at + "/apiIds", "names no API of this provider domain; " + event +
                                                  " is only sent about this provider domain"});
    }
  }
  return out;
}

bool CcfStore::may_receive_locked(const std::string& subscriber, const EventOccurrence& ev) const {
  const std::string& event = ev.event;
  if (one_of(event, {"SERVICE_API_AVAILABLE", "SERVICE_API_UPDATE", "SERVICE_API_UNAVAILABLE"})) return true;
  if (invokers_.contains(subscriber)) return about_invoker(event) && has(ev.invoker_ids, subscriber);
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
