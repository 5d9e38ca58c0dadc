#include "ccf/service/capif_events.hpp"

#include "ccf/service/access_control_policy_api.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace capif::ccf {
namespace {
std::vector<std::string> aefs_of(const model::ServiceAPIDescription& api) {
  std::vector<std::string> out;
  if (api.aefProfiles)
    for (const auto& p : *api.aefProfiles)
      if (std::find(out.begin(), out.end(), p.aefId) == out.end()) out.push_back(p.aefId);
  return out;
}

EventOccurrence policy_event(const std::string& api_id, const std::string& aef_id,
                             std::vector<std::string> invoker_ids, model::AccessControlPolicyList list) {
  EventOccurrence ev;
  ev.event = "ACCESS_CONTROL_POLICY_UPDATE";
  ev.api_ids = {api_id};
  ev.aef_ids = {aef_id};
  ev.invoker_ids = std::move(invoker_ids);
  ev.detail.accCtrlPolList = model::AccessControlPolicyListExt{std::move(list), api_id};
  return ev;
}

std::set<std::pair<std::string, std::string>> covered(const std::optional<SecurityContextRecord>& rec) {
  std::set<std::pair<std::string, std::string>> out;  // (apiId, aefId)
  if (rec)
    for (const auto& e : rec->entries)
      if (e.method)
        for (const auto& id : e.api_ids) out.emplace(id, e.aef_id);
  return out;
}
}  // namespace

EventOccurrence service_api_event(const std::string& event, const model::ServiceAPIDescription& api) {
  EventOccurrence ev;
  ev.event = event;
  ev.api_ids = {*api.apiId};
  ev.aef_ids = aefs_of(api);
  ev.detail.apiIds = ev.api_ids;
  if (event != "SERVICE_API_UNAVAILABLE") {
    auto shown = api;
    shown.shareableInfo.reset();  // as in discovery: never shown to others
    ev.detail.serviceAPIDescriptions = std::vector{std::move(shown)};
  }
  return ev;
}

EventOccurrence invoker_event(const std::string& event, const std::string& invoker_id) {
  EventOccurrence ev;
  ev.event = event;
  ev.invoker_ids = {invoker_id};
  ev.detail.apiInvokerIds = ev.invoker_ids;
  return ev;
}

EventOccurrence authorization_revoked_event(const std::string& invoker_id,
                                            const std::vector<std::string>& api_ids,
                                            const std::vector<std::string>& aef_ids) {
  EventOccurrence ev = invoker_event("API_INVOKER_AUTHORIZATION_REVOKED", invoker_id);
  ev.api_ids = api_ids;
  ev.aef_ids = aef_ids;
  if (!api_ids.empty()) ev.detail.apiIds = api_ids;
  return ev;
}

std::vector<EventOccurrence> access_policy_events(const CcfContext& ctx, const std::string& invoker_id,
                                                  const std::optional<SecurityContextRecord>& before,
                                                  const std::optional<SecurityContextRecord>& after) {
  auto pairs = covered(before);
  pairs.merge(covered(after));
  SecurityContextRecord gone;
  gone.api_invoker_id = invoker_id;
  const SecurityContextRecord* next = after ? &*after : &gone;
  std::vector<EventOccurrence> out;
  for (const auto& [api_id, aef_id] : pairs) {
    auto old_list = policy_list(ctx, api_id, aef_id);
    auto new_list = policy_list(ctx, api_id, aef_id, std::nullopt, next);
    if (old_list == new_list) continue;
    out.push_back(policy_event(api_id, aef_id, {invoker_id}, std::move(new_list)));
  }
  return out;
}

EventOccurrence access_policy_unavailable_event(const model::ServiceAPIDescription& api) {
  EventOccurrence ev;
  ev.event = "ACCESS_CONTROL_POLICY_UNAVAILABLE";
  ev.api_ids = {*api.apiId};
  ev.aef_ids = aefs_of(api);
  ev.detail.apiIds = ev.api_ids;
  return ev;
}

EventOccurrence topology_hiding_event(const model::ServiceAPIDescription& api,
                                      const std::optional<model::RoutingInfo>& rules) {
  EventOccurrence ev;
  ev.event = rules ? "API_TOPOLOGY_HIDING_CREATED" : "API_TOPOLOGY_HIDING_REVOKED";
  ev.api_ids = {*api.apiId};
  ev.aef_ids = aefs_of(api);
  if (rules)
    ev.detail.apiTopoHide = model::TopologyHiding{*api.apiId, rules->routingRules};
  else
    ev.detail.apiIds = ev.api_ids;
  return ev;
}

std::vector<EventOccurrence> invocation_events(const model::InvocationLog& log) {
  std::vector<EventOccurrence> out;
  for (const bool success : {true, false}) {
    model::InvocationLog part = log;
    std::erase_if(part.logs, [&](const model::Log& l) {
      return (l.result.size() == 3 && l.result[0] == '2') != success;
    });
    if (part.logs.empty()) continue;
    EventOccurrence ev;
    ev.event = success ? "SERVICE_API_INVOCATION_SUCCESS" : "SERVICE_API_INVOCATION_FAILURE";
    ev.aef_ids = {log.aefId};
    ev.invoker_ids = {log.apiInvokerId};
    for (const auto& l : part.logs)
      if (std::find(ev.api_ids.begin(), ev.api_ids.end(), l.apiId) == ev.api_ids.end())
        ev.api_ids.push_back(l.apiId);
    ev.detail.invocationLogs = std::vector{std::move(part)};
    out.push_back(std::move(ev));
  }
  return out;
}

}  // namespace capif::ccf

namespace capif::ccf {

std::vector<EventOccurrence> current_state_events(const CcfContext& ctx, const std::string& event) {
  std::vector<EventOccurrence> out;
  if (event == "SERVICE_API_AVAILABLE" || event == "API_TOPOLOGY_HIDING_CREATED") {
    std::vector<ServiceApiRecord> apis;
    ctx.store.for_each_api(std::nullopt, std::nullopt, [&](const ServiceApiRecord& r) { apis.push_back(r); });
    std::sort(apis.begin(), apis.end(),
              [](const auto& a, const auto& b) { return *a.api.apiId < *b.api.apiId; });
    for (const auto& api : apis) {
      if (event == "SERVICE_API_AVAILABLE") {
        out.push_back(service_api_event(event, api.api));
      } else if (auto rules = ctx.store.routing_info(*api.api.apiId)) {
        out.push_back(topology_hiding_event(api.api, rules));
      }
    }
  } else if (event == "API_INVOKER_ONBOARDED") {
    for (const auto& id : ctx.store.invoker_ids()) out.push_back(invoker_event(event, id));
  } else if (event == "ACCESS_CONTROL_POLICY_UPDATE") {
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> pairs;  // (API, AEF) -> invokers
    ctx.store.for_each_security_context([&](const SecurityContextRecord& rec) {
      for (const auto& pair : covered(rec)) pairs[pair].push_back(rec.api_invoker_id);
    });
    for (auto& [pair, invokers] : pairs) {
      auto list = policy_list(ctx, pair.first, pair.second);
      if (!list.apiInvokerPolicies || list.apiInvokerPolicies->empty()) continue;
      std::sort(invokers.begin(), invokers.end());
      out.push_back(policy_event(pair.first, pair.second, std::move(invokers), std::move(list)));
    }
  }
  return out;
}

}  // namespace capif::ccf
