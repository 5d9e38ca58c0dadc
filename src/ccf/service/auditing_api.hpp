#pragma once
// CAPIF_Auditing_API service logic (TS 29.222 clause 5.8): an AMF queries the invocation logs of the AEFs of
// its own provider domain.
#include "capif/model/auditing_api.hpp"
#include "ccf/service/context.hpp"

namespace capif::ccf {

class AuditingService {
 public:
  explicit AuditingService(CcfContext ctx) : ctx_(ctx) {}
  // 404 when nothing matches (InvocationLogs needs at least one log).
  model::InvocationLogs query(const Principal& caller, const model::InvocationLogsQuery& q) const;

 private:
  CcfContext ctx_;
};

}  // namespace capif::ccf
