#pragma once
// CAPIF_API_Provider_Management_API service logic (TS 29.222 clause 5.11): the AMF registers its
// provider domain; each AEF/APF/AMF function gets a certificate with CN = apiProvFuncId.
#include "capif/model/api_provider_management.hpp"
#include "ccf/service/context.hpp"

namespace capif::ccf {

class ProviderManagement {
 public:
  explicit ProviderManagement(CcfContext ctx) : ctx_(ctx) {}

  // Functions whose CSR is unusable are left out and named in failReason; if none is usable: 400.
  model::APIProviderEnrolmentDetails register_provider(model::APIProviderEnrolmentDetails in);
  model::APIProviderEnrolmentDetails update(const Principal& caller, const std::string& dom_id,
                                            model::APIProviderEnrolmentDetails in);
  model::APIProviderEnrolmentDetails patch(const Principal& caller, const std::string& dom_id,
                                           const model::APIProviderEnrolmentDetailsPatch& patch);
  void deregister(const Principal& caller, const std::string& dom_id);

 private:
  ProviderDomainRecord own(const Principal& caller, const std::string& dom_id) const;
  model::APIProviderEnrolmentDetails apply(const ProviderDomainRecord* existing, const std::string& dom_id,
                                           model::APIProviderEnrolmentDetails in);
  CcfContext ctx_;
};

model::APIProviderEnrolmentDetails with_functions(const ProviderDomainRecord& rec);

}  // namespace capif::ccf
