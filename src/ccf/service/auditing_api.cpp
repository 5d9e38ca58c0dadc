#include "ccf/service/auditing_api.hpp"

#include <algorithm>

namespace capif::ccf {

model::InvocationLogs AuditingService::query(const Principal& caller,
                                             const model::InvocationLogsQuery& q) const {
  std::vector<std::string> aefs;
  if (auto dom = ctx_.store.provider(caller.domain); dom && caller.kind == PrincipalKind::amf)
    for (const auto& f : dom->functions)
      if (f.details.apiProvFuncRole == model::ApiProviderFuncRole::AEF)
        aefs.push_back(*f.details.apiProvFuncId);
  if (q.aefId) {
    if (std::find(aefs.begin(), aefs.end(), *q.aefId) == aefs.end())
      throw ApiError::forbidden("an AMF may only audit the AEFs of its own provider domain");
    aefs = {*q.aefId};
  }
  model::InvocationLogs out;
  for (auto& stored : ctx_.store.invocation_logs(aefs, q.apiInvokerId)) {
    auto log = std::move(stored.log);
    std::erase_if(log.logs, [&](const model::Log& l) { return !model::matches(q, l, stored.received_at); });
    if (!log.logs.empty()) out.multipleInvocationLogs.push_back(std::move(log));
  }
  if (out.multipleInvocationLogs.empty()) throw ApiError::not_found("no invocation log matches the query");
  return out;
}

}  // namespace capif::ccf
