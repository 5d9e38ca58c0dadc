#include "ccf/service/access_control_policy_api.hpp"

#include <algorithm>

namespace capif::ccf {
namespace {
bool covers(const SecurityContextRecord& rec, const std::string& api_id, const std::string& aef_id) {
  return std::any_of(rec.entries.begin(), rec.entries.end(), [&](const auto& e) {
    return e.method && e.ccf_id.empty() && e.aef_id == aef_id &&
           std::find(e.api_ids.begin(), e.api_ids.end(), api_id) != e.api_ids.end();
  });
}
}  // namespace

model::AccessControlPolicyList policy_list(const CcfContext& ctx, const std::string& api_id,
                                           const std::string& aef_id,
                                           const std::optional<std::string>& invoker_id,
                                           const SecurityContextRecord* replace) {
  const auto& ac = ctx.config.security.access_control;
  std::vector<model::ApiInvokerPolicy> out;
  auto add = [&](const SecurityContextRecord& rec) {
    if (invoker_id && rec.api_invoker_id != *invoker_id) return;
    if (!covers(rec, api_id, aef_id)) return;
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
  ctx.store.for_each_security_context([&](const SecurityContextRecord& rec) {
    if (!replace || rec.api_invoker_id != replace->api_invoker_id) add(rec);
  });
  if (replace) add(*replace);
  // Invokers of peer CCFs that negotiated this API over CAPIF-6/6e are governed by the same policy.
  ctx.store.for_each_remote_security_context(add);
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.apiInvokerId < b.apiInvokerId; });
  return {std::move(out)};
}

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

  return policy_list(ctx_, api_id, *aef_id, invoker_id);
}

}  // namespace capif::ccf
