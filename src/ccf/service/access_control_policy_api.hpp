#pragma once
// CAPIF_Access_Control_Policy_API service logic (TS 29.222 clause 5.9): the policy an AEF enforces for each
// invoker that negotiated one of its APIs; the limits come from the CCF's `security.access_control` config.
#include "capif/model/access_control_policy_api.hpp"
#include "ccf/service/context.hpp"

namespace capif::ccf {

// The policy list of (api_id, aef_id): one ApiInvokerPolicy per invoker whose context has an entry of that
// AEF with a selected method covering the API. `replace` stands for the stored context of its invoker (the
// state a change is about to write); a record with no entries stands for a deleted context.
model::AccessControlPolicyList policy_list(const CcfContext& ctx, const std::string& api_id,
                                           const std::string& aef_id,
                                           const std::optional<std::string>& invoker_id = std::nullopt,
                                           const SecurityContextRecord* replace = nullptr);

class AccessControlPolicyService {
 public:
  explicit AccessControlPolicyService(CcfContext ctx) : ctx_(ctx) {}

  model::AccessControlPolicyList policies(const Principal& caller, const std::string& api_id,
                                          const std::optional<std::string>& aef_id,
                                          const std::optional<std::string>& invoker_id) const;

 private:
  CcfContext ctx_;
};

}  // namespace capif::ccf
