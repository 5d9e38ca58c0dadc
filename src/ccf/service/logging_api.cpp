#include "ccf/service/logging_api.hpp"

#include "capif/crypto/encoding.hpp"
#include "ccf/service/capif_events.hpp"
#include "ccf/service/security_api.hpp"

namespace capif::ccf {

LoggingService::Added LoggingService::add(const Principal& caller, const std::string& aef_id,
                                          const model::InvocationLog& log) {
  if (caller.kind != PrincipalKind::aef || caller.id != aef_id)
    throw ApiError::forbidden("an AEF may only store logs under its own aefId");
  if (log.aefId != aef_id)
    throw ApiError::bad_request("aefId does not match the resource", {{"/aefId", "must be " + aef_id}});
  StoredInvocationLog rec{crypto::random_id("LOG"), unix_now(), log};
  Added out{rec.log_id, model::to_json(log).dump()};
  ctx_.store.add_invocation_log(rec, out.json, {invocation_events(log), {}});
  return out;
}

}  // namespace capif::ccf
