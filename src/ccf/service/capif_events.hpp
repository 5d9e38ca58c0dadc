#pragma once
// The CAPIFEvents of each change, with the event detail TS 29.222 table 8.3.4.2.5-1 defines, built by the
// services and handed to the store with the change (ccf/store/notices.hpp). docs/architecture.md lists
// which detail each event carries.
#include "ccf/service/context.hpp"

#include <optional>

namespace capif::ccf {

// SERVICE_API_AVAILABLE / SERVICE_API_UPDATE: apiIds and serviceAPIDescriptions (as discovery shows them);
// SERVICE_API_UNAVAILABLE: apiIds.
EventOccurrence service_api_event(const std::string& event, const model::ServiceAPIDescription& api);
// API_INVOKER_ONBOARDED / UPDATED / OFFBOARDED: apiInvokerIds.
EventOccurrence invoker_event(const std::string& event, const std::string& invoker_id);
// API_INVOKER_AUTHORIZATION_REVOKED: apiInvokerIds and the apiIds revoked.
EventOccurrence authorization_revoked_event(const std::string& invoker_id,
                                            const std::vector<std::string>& api_ids,
                                            const std::vector<std::string>& aef_ids);
// ACCESS_CONTROL_POLICY_UPDATE for every (API, AEF) whose policy list the change of the invoker's security
// context from `before` to `after` (nullopt = no context) alters; accCtrlPolList is the list after it.
std::vector<EventOccurrence> access_policy_events(const CcfContext& ctx, const std::string& invoker_id,
                                                  const std::optional<SecurityContextRecord>& before,
                                                  const std::optional<SecurityContextRecord>& after);
// ACCESS_CONTROL_POLICY_UNAVAILABLE: the API is gone, so is its policy (apiIds).
EventOccurrence access_policy_unavailable_event(const model::ServiceAPIDescription& api);
// API_TOPOLOGY_HIDING_CREATED (apiTopoHide: the API's routing rules) / API_TOPOLOGY_HIDING_REVOKED (apiIds).
EventOccurrence topology_hiding_event(const model::ServiceAPIDescription& api,
                                      const std::optional<model::RoutingInfo>& rules);
// SERVICE_API_INVOCATION_SUCCESS (results 2xx) / FAILURE (any other result) with the log's entries of that
// outcome; none when the log has no entry of it.
std::vector<EventOccurrence> invocation_events(const model::InvocationLog& log);
// Immediate reporting (eventReq.immRep): the current state of an event type as occurrences, in id order:
// SERVICE_API_AVAILABLE (published APIs), API_INVOKER_ONBOARDED (onboarded invokers),
// ACCESS_CONTROL_POLICY_UPDATE (every (API, AEF) policy list with an entry), API_TOPOLOGY_HIDING_CREATED
// (APIs with routing rules). Other event types report occurrences, not a state: none.
std::vector<EventOccurrence> current_state_events(const CcfContext& ctx, const std::string& event);

}  // namespace capif::ccf
