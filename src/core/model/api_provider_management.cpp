#include "capif/model/api_provider_management.hpp"

namespace capif::model {

std::string_view to_string(ApiProviderFuncRole r) {
  switch (r) {
    case ApiProviderFuncRole::AEF:
      return "AEF";
    case ApiProviderFuncRole::APF:
      return "APF";
    case ApiProviderFuncRole::AMF:
      return "AMF";
  }
  return "AEF";
}

std::optional<ApiProviderFuncRole> parse_api_provider_func_role(std::string_view s) {
  if (s == "AEF") return ApiProviderFuncRole::AEF;
  if (s == "APF") return ApiProviderFuncRole::APF;
  if (s == "AMF") return ApiProviderFuncRole::AMF;
  return std::nullopt;
}

bool from_json(const nlohmann::json& j, RegistrationInformation& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("apiProvPubKey", out.apiProvPubKey);
  r.opt("apiProvCert", out.apiProvCert);
  return r.ok();
}

bool from_json(const nlohmann::json& j, APIProviderFunctionDetails& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("apiProvFuncId", out.apiProvFuncId);
  r.req("regInfo", out.regInfo);
  std::string role;
  const auto before = errs.size();
  r.req("apiProvFuncRole", role);
  if (errs.size() == before) {
    if (auto parsed = parse_api_provider_func_role(role))
      out.apiProvFuncRole = *parsed;
    else
      r.fail(r.at("apiProvFuncRole"), "must be one of AEF, APF or AMF");
  }
  r.opt("apiProvFuncInfo", out.apiProvFuncInfo);
  return r.ok();
}

bool from_json(const nlohmann::json& j, APIProviderEnrolmentDetails& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("apiProvDomId", out.apiProvDomId);
  r.req("regSec", out.regSec);
  r.opt("apiProvFuncs", out.apiProvFuncs, 1);
  r.opt("apiProvDomInfo", out.apiProvDomInfo);
  r.opt("suppFeat", out.suppFeat, check_supported_features);
  r.opt("failReason", out.failReason);
  return r.ok();
}

bool from_json(const nlohmann::json& j, APIProviderEnrolmentDetailsPatch& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.patch("apiProvFuncs", out.apiProvFuncs, 1);
  r.patch("apiProvDomInfo", out.apiProvDomInfo);
  return r.ok();
}

nlohmann::json to_json(const RegistrationInformation& v) {
  nlohmann::json j{{"apiProvPubKey", v.apiProvPubKey}};
  put(j, "apiProvCert", v.apiProvCert);
  return j;
}

nlohmann::json to_json(const APIProviderFunctionDetails& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "apiProvFuncId", v.apiProvFuncId);
  j["regInfo"] = to_json(v.regInfo);
  j["apiProvFuncRole"] = std::string(to_string(v.apiProvFuncRole));
  put(j, "apiProvFuncInfo", v.apiProvFuncInfo);
  return j;
}

nlohmann::json to_json(const APIProviderEnrolmentDetails& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "apiProvDomId", v.apiProvDomId);
  j["regSec"] = v.regSec;
  put(j, "apiProvFuncs", v.apiProvFuncs);
  put(j, "apiProvDomInfo", v.apiProvDomInfo);
  put(j, "suppFeat", v.suppFeat);
  put(j, "failReason", v.failReason);
  return j;
}

nlohmann::json to_json(const APIProviderEnrolmentDetailsPatch& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "apiProvFuncs", v.apiProvFuncs);
  put(j, "apiProvDomInfo", v.apiProvDomInfo);
  return j;
}

std::optional<APIProviderEnrolmentDetails> apply_patch(const APIProviderEnrolmentDetails& base,
                                                       const APIProviderEnrolmentDetailsPatch& patch,
                                                       InvalidParams& errs) {
  auto merged = to_json(base);
  merged.merge_patch(to_json(patch));
  return parse_body<APIProviderEnrolmentDetails>(merged, errs);
}

}  // namespace capif::model
