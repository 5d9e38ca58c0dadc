#include "capif/model/aef_security_api.hpp"

namespace capif::model {

bool from_json(const nlohmann::json& j, CheckAuthenticationReq& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("apiInvokerId", out.apiInvokerId, check_non_empty);
  r.req("supportedFeatures", out.supportedFeatures, check_supported_features);
  return r.ok();
}

bool from_json(const nlohmann::json& j, CheckAuthenticationRsp& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("supportedFeatures", out.supportedFeatures, check_supported_features);
  return r.ok();
}

bool from_json(const nlohmann::json& j, RevokeAuthorizationReq& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("revokeInfo", out.revokeInfo);
  r.req("supportedFeatures", out.supportedFeatures, check_supported_features);
  return r.ok();
}

bool from_json(const nlohmann::json& j, RevokeAuthorizationRsp& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("supportedFeatures", out.supportedFeatures, check_supported_features);
  return r.ok();
}

nlohmann::json to_json(const CheckAuthenticationReq& v) {
  return {{"apiInvokerId", v.apiInvokerId}, {"supportedFeatures", v.supportedFeatures}};
}
nlohmann::json to_json(const CheckAuthenticationRsp& v) {
  return {{"supportedFeatures", v.supportedFeatures}};
}
nlohmann::json to_json(const RevokeAuthorizationReq& v) {
  return {{"revokeInfo", to_json(v.revokeInfo)}, {"supportedFeatures", v.supportedFeatures}};
}
nlohmann::json to_json(const RevokeAuthorizationRsp& v) {
  return {{"supportedFeatures", v.supportedFeatures}};
}

}  // namespace capif::model
