#include "ccf/service/publish_service_api.hpp"

#include "capif/crypto/encoding.hpp"
#include "ccf/service/capif_events.hpp"
#include "ccf/service/features.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace capif::ccf {

void PublishService::check_apf(const Principal& caller, const std::string& apf_id) const {
  if (caller.kind == PrincipalKind::peer_ccf) {
    // CAPIF-6/6e: {apfId} is the publishing CCF's id, which must be the CCF of the client certificate.
    if (caller.id != apf_id)
      throw ApiError(403, "Forbidden", "a peer CCF publishes only under its own CCF id", "FORBIDDEN",
                     {{"apfId", "must be " + caller.id}});
    if (!ctx_.config.peer(caller.id)->shares("publish"))
      throw ApiError::forbidden("publication is not shared with peer CCF " + caller.id);
    return;
  }
  if (caller.kind != PrincipalKind::apf || caller.id != apf_id)
    throw ApiError::forbidden("an APF may only manage the service APIs it published itself");
}

// What a peer CCF publishes here (TS 29.222 5.3.2.2.3): AEF profiles or a category + ccfId, and never a
// publication that already went through this CCF (the CAPIF-6 loop prevention of pubApiPath).
void PublishService::check_peer_publication(const Principal& caller, model::ServiceAPIDescription& api) const {
  const bool profiles = api.aefProfiles && !api.aefProfiles->empty();
  if (!profiles && !(api.serviceAPICategory && api.ccfId))
    throw ApiError::bad_request("an interconnection publication names AEF profiles or a category and a CCF",
                                {{"/aefProfiles", "is required unless serviceAPICategory and ccfId are given"}});
  const auto* peer = ctx_.config.peer(caller.id);
  const auto& own = ctx_.config.ccf.id;
  if (api.pubApiPath && api.pubApiPath->ccfIds &&
      std::find(api.pubApiPath->ccfIds->begin(), api.pubApiPath->ccfIds->end(), own) !=
          api.pubApiPath->ccfIds->end())
    throw ApiError(400, "Bad Request", "the publication has already been through this CCF (publication loop)",
                   "PUBLICATION_LOOP", {{"/pubApiPath/ccfIds", "already contains " + own}});
  if (peer->link == "CAPIF-6" && (!api.pubApiPath || !api.pubApiPath->ccfIds ||
                                  std::find(api.pubApiPath->ccfIds->begin(), api.pubApiPath->ccfIds->end(),
                                            caller.id) == api.pubApiPath->ccfIds->end()))
    throw ApiError::bad_request("over CAPIF-6 the publishing CCF adds itself to pubApiPath",
                                {{"/pubApiPath/ccfIds", "must contain " + caller.id}});
  // A peer speaks for its own AEFs only: not for ours, nor for AEFs another peer already published here
  // (either would route negotiations and key fetches for those AEFs to the wrong CCF).
  InvalidParams foreign;
  for (std::size_t i = 0; profiles && i < api.aefProfiles->size(); ++i) {
    const std::string& aef = (*api.aefProfiles)[i].aefId;
    bool taken = ctx_.store.domain_of_function(aef).has_value();
    ctx_.store.for_each_api(std::nullopt, aef, [&](const ServiceApiRecord& rec) {
      if (rec.apf_id != caller.id) taken = true;
    });
    if (taken)
      foreign.push_back({"/aefProfiles/" + std::to_string(i) + "/aefId",
                         "is an AEF of this CCF or of another peer, not of " + caller.id});
  }
  if (!foreign.empty())
    throw ApiError(403, "Forbidden", "a peer CCF may only publish APIs of AEFs it serves", "FORBIDDEN", foreign);
  // The CCF to ask about these AEFs: the peer itself, or (CAPIF-6 relay) a CCF the publication came
  // through; never this one.
  if (!api.ccfId) api.ccfId = caller.id;
  const bool on_path = api.pubApiPath && api.pubApiPath->ccfIds &&
                       std::find(api.pubApiPath->ccfIds->begin(), api.pubApiPath->ccfIds->end(), *api.ccfId) !=
                           api.pubApiPath->ccfIds->end();
  if (*api.ccfId == own || (*api.ccfId != caller.id && !on_path))
    throw ApiError::bad_request("ccfId must name the publishing CCF or one on its publication path",
                                {{"/ccfId", "must be " + caller.id + " or a CCF of pubApiPath, not " + own}});
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

void PublishService::check_content(const Principal& caller, model::ServiceAPIDescription& api) const {
  if (caller.kind == PrincipalKind::peer_ccf)
    check_peer_publication(caller, api);
  else
    check_aefs(caller, api);
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
  check_content(caller, api);
  api.apiId = crypto::random_id("API");
  api.supportedFeatures = negotiate_features(api.supportedFeatures, kPublishFeatures);
  ctx_.store.put_service_api({apf_id, api, {}}, {{service_api_event("SERVICE_API_AVAILABLE", api)}, {}});
  spdlog::info("{} {} published service API {} ({})", to_string(caller.kind), apf_id, *api.apiId, api.apiName);
  ctx_.publications_changed();
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
  check_content(caller, api);
  api.apiId = api_id;
  api.supportedFeatures = negotiate_features(api.supportedFeatures, kPublishFeatures);
  ctx_.store.put_service_api({apf_id, api, {}}, {{service_api_event("SERVICE_API_UPDATE", api)}, {}});
  ctx_.publications_changed();
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
  check_content(caller, *merged);
  merged->apiId = api_id;
  merged->supportedFeatures = negotiate_features(merged->supportedFeatures, kPublishFeatures);
  ctx_.store.put_service_api({apf_id, *merged, {}}, {{service_api_event("SERVICE_API_UPDATE", *merged)}, {}});
  ctx_.publications_changed();
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
  spdlog::info("{} {} unpublished service API {}", to_string(caller.kind), apf_id, api_id);
  ctx_.publications_changed();
}

}  // namespace capif::ccf
