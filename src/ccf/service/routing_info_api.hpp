#pragma once
// CAPIF_Routing_Info_API service logic (TS 29.222 clause 5.12): an AEF asks which AEF profile serves which
// UE address ranges of a service API. The rules come from the APF that published the API (an extension:
// PUT on the same resource), not from a stub.
#include "capif/model/routing_info_api.hpp"
#include "ccf/service/context.hpp"

namespace capif::ccf {

class RoutingInfoService {
 public:
  explicit RoutingInfoService(CcfContext ctx) : ctx_(ctx) {}

  // aef-id is required and must be the calling AEF, which must expose the API; 404 without rules.
  model::RoutingInfo get(const Principal& caller, const std::string& api_id,
                         const std::optional<std::string>& aef_id) const;
  // By the APF that published the API; every rule's aefProfile must name an AEF of the API.
  model::RoutingInfo put(const Principal& caller, const std::string& api_id, model::RoutingInfo info);

 private:
  CcfContext ctx_;
};

}  // namespace capif::ccf
