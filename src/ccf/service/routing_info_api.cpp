#include "ccf/service/routing_info_api.hpp"

#include "ccf/service/capif_events.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace capif::ccf {
namespace {
bool exposes(const model::ServiceAPIDescription& api, const std::string& aef_id) {
  return api.aefProfiles && std::any_of(api.aefProfiles->begin(), api.aefProfiles->end(),
                                        [&](const auto& p) { return p.aefId == aef_id; });
}
}  // namespace

model::RoutingInfo RoutingInfoService::get(const Principal& caller, const std::string& api_id,
                                           const std::optional<std::string>& aef_id) const {
  if (!aef_id) throw ApiError::bad_request("aef-id is required", {{"aef-id", "is required"}});
  if (caller.kind != PrincipalKind::aef || caller.id != *aef_id)
    throw ApiError::forbidden("an AEF may only read routing information under its own aef-id");
  auto api = ctx_.store.service_api(api_id);
  if (!api || !exposes(api->api, *aef_id))
    throw ApiError::not_found("AEF " + *aef_id + " exposes no service API " + api_id);
  auto info = ctx_.store.routing_info(api_id);
  if (!info) throw ApiError::not_found("no routing rules were configured for service API " + api_id);
  return *info;
}

model::RoutingInfo RoutingInfoService::put(const Principal& caller, const std::string& api_id,
                                           model::RoutingInfo info) {
  auto api = ctx_.store.service_api(api_id);
  if (!api) throw ApiError::not_found("no service API " + api_id);
  if (caller.kind != PrincipalKind::apf || caller.id != api->apf_id)
    throw ApiError::forbidden("only the APF that published a service API configures its routing rules");
  InvalidParams errs;
  for (std::size_t i = 0; i < info.routingRules.size(); ++i)
    if (!exposes(api->api, info.routingRules[i].aefProfile.aefId))
      errs.push_back({"/routingRules/" + std::to_string(i) + "/aefProfile/aefId",
                      "is not an AEF of service API " + api_id});
  if (!errs.empty()) throw ApiError::bad_request("the routing rules name AEFs outside the API", errs);
  ctx_.store.put_routing_info(api_id, info, {{topology_hiding_event(api->api, info)}, {}});
  spdlog::info("APF {} set {} routing rules for service API {}", caller.id, info.routingRules.size(), api_id);
  return info;
}

}  // namespace capif::ccf
