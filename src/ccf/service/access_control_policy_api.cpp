#include "ccf/service/access_control_policy_api.hpp"

#include <algorithm>

namespace capif::ccf {

model::AccessControlPolicyList AccessControlPolicyService::policies(
    const Principal& caller, const std::string& api_id, const std::optional<std::string>& aef_id,
    const std::optional<std::string>& invoker_id) const {
  if (!aef_id) throw ApiError::bad_request("aef-id is required", {{"aef-id", "is required"}});
  if (caller.kind != PrincipalKind::aef || caller.id != *aef_id)
    throw ApiError::forbidden("an AEF may only read the access control policy of its own APIs");
  auto api = ctx_.store.service_api(api_id);
  const bool exposed = api && api->api.aefProfiles &&
                       std::any_of(api->api.aefProfiles->begin(), api->api.aefProfiles->end(),
                                   [&](const auto& p) { return p.aefId == *aef_id; });
  if (!exposed) throw ApiError::not_found("AEF " + *aef_id + " exposes no service API " + api_id);

  const auto& ac = ctx_.config.security.access_control;
  std::vector<model::ApiInvokerPolicy> out;
  const auto add = [&](const SecurityContextRecord& rec) {
    if (invoker_id && rec.api_invoker_id != *invoker_id) return;
    const bool negotiated = std::any_of(rec.entries.begin(), rec.entries.end(), [&](const auto& e) {
      return e.method && e.ccf_id.empty() && e.aef_id == *aef_id &&
             std::find(e.api_ids.begin(), e.api_ids.end(), api_id) != e.api_ids.end();
    });
    if (!negotiated) return;
    model::ApiInvokerPolicy p{rec.api_invoker_id, {}, {}, {}};
    if (ac.allowed_total_invocations > 0) p.allowedTotalInvocations = ac.allowed_total_invocations;
    if (ac.allowed_invocations_per_second > 0)
      p.allowedInvocationsPerSecond = ac.allowed_invocations_per_second;
    if (!ac.allowed_time_ranges.empty()) {
      p.allowedInvocationTimeRangeList.emplace();
      for (const auto& r : ac.allowed_time_ranges) {
        const auto slash = r.find('/');  // validated by the config reader
        p.allowedInvocationTimeRangeList->push_back({r.substr(0, slash), r.substr(slash + 1)});
      }
    }
    out.push_back(std::move(p));
  };
  ctx_.store.for_each_security_context(add);
  // Invokers of peer CCFs that negotiated this API over CAPIF-6/6e are governed by the same policy.
  ctx_.store.for_each_remote_security_context(add);
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.apiInvokerId < b.apiInvokerId; });
  return {std::move(out)};
}

}  // namespace capif::ccf
