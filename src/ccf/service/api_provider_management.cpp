#include "ccf/service/api_provider_management.hpp"

#include "ccf/service/capif_events.hpp"
#include "ccf/service/features.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/model/json_reader.hpp"

#include <spdlog/spdlog.h>

namespace capif::ccf {

model::APIProviderEnrolmentDetails with_functions(const ProviderDomainRecord& rec) {
  auto out = rec.details;
  out.apiProvFuncs.emplace();
  for (const auto& f : rec.functions) out.apiProvFuncs->push_back(f.details);
  return out;
}

model::APIProviderEnrolmentDetails ProviderManagement::apply(const ProviderDomainRecord* existing,
                                                             const std::string& dom_id,
                                                             model::APIProviderEnrolmentDetails in) {
  in.suppFeat = negotiate_features(in.suppFeat, kProviderManagementFeatures);
  if (!in.apiProvFuncs || in.apiProvFuncs->empty())
    throw ApiError::bad_request("at least one API provider function is required",
                                {{"/apiProvFuncs", "is required and must not be empty"}});
  ProviderDomainRecord rec;
  std::string fail_reason;
  InvalidParams rejected;
  for (std::size_t i = 0; i < in.apiProvFuncs->size(); ++i) {
    auto f = (*in.apiProvFuncs)[i];
    const std::string ptr = "/apiProvFuncs/" + std::to_string(i);
    const ProviderFunction* old = nullptr;
    if (f.apiProvFuncId) {
      old = existing ? existing->function(*f.apiProvFuncId) : nullptr;
      if (!old)
        throw ApiError::bad_request("apiProvFuncId is assigned by the CCF",
                                    {{ptr + "/apiProvFuncId", "is not a function of this provider domain"}});
      if (old->details.apiProvFuncRole != f.apiProvFuncRole)
        throw ApiError::bad_request(
            "a provider function cannot change its role",
            {{ptr + "/apiProvFuncRole",
              "must stay " + std::string(model::to_string(old->details.apiProvFuncRole))}});
    }
    const std::string id =
        old ? *f.apiProvFuncId : crypto::random_id(std::string(model::to_string(f.apiProvFuncRole)));
    f.apiProvFuncId = id;
    ProviderFunction pf{f, {}};
    if (old && old->details.regInfo.apiProvPubKey == f.regInfo.apiProvPubKey) {
      pf.details.regInfo.apiProvCert = old->details.regInfo.apiProvCert;
      pf.cert_fingerprint = old->cert_fingerprint;
    } else {
      try {
        // An AEF serves CAPIF-2e (TLS server to invokers) with its function certificate.
        const bool aef = f.apiProvFuncRole == model::ApiProviderFuncRole::AEF;
        pf.details.regInfo.apiProvCert = issue_certificate(ctx_, f.regInfo.apiProvPubKey, id, ptr, aef);
        pf.cert_fingerprint = fingerprint_of(*pf.details.regInfo.apiProvCert);
      } catch (const ApiError& e) {
        const auto& p = e.invalid_params().front();
        rejected.push_back({p.param + "/regInfo/apiProvPubKey", p.reason});
        fail_reason += (fail_reason.empty() ? "" : "; ") + p.param + ": " + p.reason;
        if (old) rec.functions.push_back(*old);  // an update keeps the working certificate
        continue;
      }
    }
    rec.functions.push_back(std::move(pf));
  }
  if (rec.functions.empty())
    throw ApiError::bad_request("no API provider function could be registered", rejected);
  rec.details = std::move(in);
  rec.details.apiProvDomId = dom_id;
  rec.details.apiProvFuncs.reset();
  if (fail_reason.empty())
    rec.details.failReason.reset();
  else
    rec.details.failReason = fail_reason;
  ctx_.store.put_provider(rec);
  return with_functions(rec);
}

model::APIProviderEnrolmentDetails ProviderManagement::register_provider(
    model::APIProviderEnrolmentDetails in) {
  if (in.apiProvDomId)
    throw ApiError::bad_request("apiProvDomId is assigned by the CCF",
                                {{"/apiProvDomId", "must not be present"}});
  const std::string dom = crypto::random_id("DOM");
  auto out = apply(nullptr, dom, std::move(in));
  spdlog::info("registered API provider domain {} with {} functions", dom, out.apiProvFuncs->size());
  return out;
}

ProviderDomainRecord ProviderManagement::own(const Principal& caller, const std::string& dom_id) const {
  if (caller.kind != PrincipalKind::amf || caller.domain != dom_id)
    throw ApiError::forbidden("only an AMF of this provider domain may manage its registration");
  auto rec = ctx_.store.provider(dom_id);
  if (!rec) throw ApiError::not_found("provider domain " + dom_id + " is not registered");
  return *rec;
}

model::APIProviderEnrolmentDetails ProviderManagement::update(const Principal& caller,
                                                              const std::string& dom_id,
                                                              model::APIProviderEnrolmentDetails in) {
  auto rec = own(caller, dom_id);
  if (in.apiProvDomId && *in.apiProvDomId != dom_id)
    throw ApiError::bad_request("apiProvDomId does not match the resource",
                                {{"/apiProvDomId", "must be " + dom_id + " or absent"}});
  return apply(&rec, dom_id, std::move(in));
}

model::APIProviderEnrolmentDetails ProviderManagement::patch(
    const Principal& caller, const std::string& dom_id,
    const model::APIProviderEnrolmentDetailsPatch& patch) {
  auto rec = own(caller, dom_id);
  InvalidParams errs;
  auto merged = model::apply_patch(with_functions(rec), patch, errs);
  if (!merged) throw ApiError::bad_request("the patched registration is not valid", errs);
  return apply(&rec, dom_id, std::move(*merged));
}

void ProviderManagement::deregister(const Principal& caller, const std::string& dom_id) {
  auto rec = own(caller, dom_id);
  // Every API its APFs published goes with the domain: subscribers learn that as for an unpublish.
  Notices notices;
  for (const auto& f : rec.functions)
    for (const auto& api : ctx_.store.service_apis_of(*f.details.apiProvFuncId)) {
      notices.events.push_back(service_api_event("SERVICE_API_UNAVAILABLE", api.api));
      notices.events.push_back(access_policy_unavailable_event(api.api));
      if (ctx_.store.routing_info(*api.api.apiId))
        notices.events.push_back(topology_hiding_event(api.api, std::nullopt));
    }
  ctx_.store.delete_provider(dom_id, notices);
  spdlog::info("deregistered API provider domain {}", dom_id);
}

}  // namespace capif::ccf
