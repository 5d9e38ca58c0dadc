#pragma once
// CAPIF_Publish_Service_API service logic (TS 29.222 clause 5.3): an APF publishes APIs of the AEFs
// of its own provider domain; over CAPIF-6/6e a peer CCF publishes under {apfId} = its CCF id.
#include "capif/model/publish_service_api.hpp"
#include "ccf/service/context.hpp"

#include <vector>

namespace capif::ccf {

class PublishService {
 public:
  explicit PublishService(CcfContext ctx) : ctx_(ctx) {}

  model::ServiceAPIDescription publish(const Principal& caller, const std::string& apf_id,
                                       model::ServiceAPIDescription api);
  std::vector<model::ServiceAPIDescription> list(const Principal& caller, const std::string& apf_id) const;
  model::ServiceAPIDescription get(const Principal& caller, const std::string& apf_id,
                                   const std::string& api_id) const;
  model::ServiceAPIDescription update(const Principal& caller, const std::string& apf_id,
                                      const std::string& api_id, model::ServiceAPIDescription api);
  model::ServiceAPIDescription patch(const Principal& caller, const std::string& apf_id,
                                     const std::string& api_id,
                                     const model::ServiceAPIDescriptionPatch& patch);
  void unpublish(const Principal& caller, const std::string& apf_id, const std::string& api_id);

 private:
  void check_apf(const Principal& caller, const std::string& apf_id) const;
  void check_aefs(const Principal& caller, const model::ServiceAPIDescription& api) const;
  void check_peer_publication(const Principal& caller, model::ServiceAPIDescription& api) const;
  void check_content(const Principal& caller, model::ServiceAPIDescription& api) const;
  ServiceApiRecord existing(const std::string& apf_id, const std::string& api_id) const;
  CcfContext ctx_;
};

}  // namespace capif::ccf
