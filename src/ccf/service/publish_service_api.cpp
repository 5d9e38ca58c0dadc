#include "ccf/service/publish_service_api.hpp"

#include "capif/crypto/encoding.hpp"
#include "ccf/service/capif_events.hpp"
#include "ccf/service/features.hpp"

#include <spdlog/spdlog.h>

namespace capif::ccf {

void PublishService::check_apf(const Principal& caller, const std::string& apf_id) const {
  if (caller.kind != PrincipalKind::apf || caller.id != apf_id)
    throw ApiError::forbidden("an APF may only manage the service APIs it published itself");
}

void PublishService::check_aefs(const Principal& caller, const model::ServiceAPIDescription& api) const {
  if (!api.aefProfiles || api.aefProfiles->empty())
    throw ApiError::bad_request("a publication names at least one AEF",
                                {{"/aefProfiles", "is required and must not be empty"}});
  InvalidParams foreign;
  for (std::size_t i = 0; i < api.aefProfiles->size(); ++i) {
    const std::string& aef = (*api.aefProfiles)[i].aefId;
    auto dom = ctx_.store.domain_of_function(aef);
    auto rec = dom && *dom == caller.domain ? ctx_.store.provider(*dom) : std::nullopt;
    const ProviderFunction* f = rec ? rec->function(aef) : nullptr;
    if (!f || f->details.apiProvFuncRole != model::ApiProviderFuncRole::AEF)
      foreign.push_back(
          {"/aefProfiles/" + std::to_string(i) + "/aefId", "is not an AEF of the APF's provider domain"});
  }
  if (!foreign.empty())
    throw ApiError(403, "Forbidden",
                   "an APF may only publish APIs exposed by AEFs of its own provider domain", "FORBIDDEN",
                   foreign);
}

ServiceApiRecord PublishService::existing(const std::string& apf_id, const std::string& api_id) const {
  auto rec = ctx_.store.service_api(api_id);
  if (!rec || rec->apf_id != apf_id)
    throw ApiError::not_found("no service API " + api_id + " published by " + apf_id);
  return *rec;
}

model::ServiceAPIDescription PublishService::publish(const Principal& caller, const std::string& apf_id,
                                                     model::ServiceAPIDescription api) {
  check_apf(caller, apf_id);
  if (api.apiId)
    throw ApiError::bad_request("apiId is assigned by the CCF", {{"/apiId", "must not be present"}});
  check_aefs(caller, api);
  api.apiId = crypto::random_id("API");
  api.supportedFeatures = negotiate_features(api.supportedFeatures, kPublishFeatures);
  ctx_.store.put_service_api({apf_id, api, {}}, {{service_api_event("SERVICE_API_AVAILABLE", api)}, {}});
  spdlog::info("APF {} published service API {} ({})", apf_id, *api.apiId, api.apiName);
  return api;
}

std::vector<model::ServiceAPIDescription> PublishService::list(const Principal& caller,
                                                               const std::string& apf_id) const {
  check_apf(caller, apf_id);
  std::vector<model::ServiceAPIDescription> out;
  for (auto& rec : ctx_.store.service_apis_of(apf_id)) out.push_back(std::move(rec.api));
  return out;
}

model::ServiceAPIDescription PublishService::get(const Principal& caller, const std::string& apf_id,
                                                 const std::string& api_id) const {
  check_apf(caller, apf_id);
  return existing(apf_id, api_id).api;
}

model::ServiceAPIDescription PublishService::update(const Principal& caller, const std::string& apf_id,
                                                    const std::string& api_id,
                                                    model::ServiceAPIDescription api) {
  check_apf(caller, apf_id);
  existing(apf_id, api_id);
  if (api.apiId && *api.apiId != api_id)
    throw ApiError::bad_request("apiId does not match the resource",
                                {{"/apiId", "must be " + api_id + " or absent"}});
  check_aefs(caller, api);
  api.apiId = api_id;
  api.supportedFeatures = negotiate_features(api.supportedFeatures, kPublishFeatures);
  ctx_.store.put_service_api({apf_id, api, {}}, {{service_api_event("SERVICE_API_UPDATE", api)}, {}});
  return api;
}

model::ServiceAPIDescription PublishService::patch(const Principal& caller, const std::string& apf_id,
                                                   const std::string& api_id,
                                                   const model::ServiceAPIDescriptionPatch& patch) {
  check_apf(caller, apf_id);
  auto rec = existing(apf_id, api_id);
  InvalidParams errs;
  auto merged = model::apply_patch(rec.api, patch, errs);
  if (!merged) throw ApiError::bad_request("the patched service API description is not valid", errs);
  check_aefs(caller, *merged);
  merged->apiId = api_id;
  merged->supportedFeatures = negotiate_features(merged->supportedFeatures, kPublishFeatures);
  ctx_.store.put_service_api({apf_id, *merged, {}}, {{service_api_event("SERVICE_API_UPDATE", *merged)}, {}});
  return *merged;
}

void PublishService::unpublish(const Principal& caller, const std::string& apf_id,
                               const std::string& api_id) {
  check_apf(caller, apf_id);
  auto rec = existing(apf_id, api_id);
  Notices notices{
      {service_api_event("SERVICE_API_UNAVAILABLE", rec.api), access_policy_unavailable_event(rec.api)}, {}};
  // Its routing rules go with it.
  if (ctx_.store.routing_info(api_id)) notices.events.push_back(topology_hiding_event(rec.api, std::nullopt));
  ctx_.store.delete_service_api(api_id, notices);
  spdlog::info("APF {} unpublished service API {}", apf_id, api_id);
}

}  // namespace capif::ccf
