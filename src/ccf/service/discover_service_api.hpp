#pragma once
// CAPIF_Discover_Service_API service logic (TS 29.222 clause 5.2).
#include "capif/model/discover_service_api.hpp"
#include "ccf/service/context.hpp"

#include <string>

namespace capif::ccf {

class DiscoverService {
 public:
  explicit DiscoverService(CcfContext ctx) : ctx_(ctx) {}
  // Returns the serialised DiscoveredAPIs body; candidates come from the api-name or aef-id index
  // when the query names one, so cost does not grow with the number of published APIs.
  std::string discover(const Principal& caller, const model::DiscoverQuery& query) const;

 private:
  CcfContext ctx_;
};

}  // namespace capif::ccf
