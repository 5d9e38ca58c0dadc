#include "capif/model/api_invoker_management.hpp"

namespace capif::model {

bool from_json(const nlohmann::json& j, OnboardingInformation& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("apiInvokerPublicKey", out.apiInvokerPublicKey);
  r.opt("apiInvokerCertificate", out.apiInvokerCertificate);
  r.opt("onboardingSecret", out.onboardingSecret);
  return r.ok();
}

bool from_json(const nlohmann::json& j, APIList& out, const std::string& pointer, InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("serviceAPIDescriptions", out.serviceAPIDescriptions, 1);
  return r.ok();
}

bool from_json(const nlohmann::json& j, APIInvokerEnrolmentDetails& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("apiInvokerId", out.apiInvokerId);
  r.req("onboardingInformation", out.onboardingInformation);
  r.req("notificationDestination", out.notificationDestination, check_uri);
  r.opt("requestTestNotification", out.requestTestNotification);
  r.opt_object("websockNotifConfig", out.websockNotifConfig);
  r.opt("apiList", out.apiList);
  r.opt("apiInvokerInformation", out.apiInvokerInformation);
  r.opt("supportedFeatures", out.supportedFeatures, check_supported_features);
  return r.ok();
}

bool from_json(const nlohmann::json& j, APIInvokerEnrolmentDetailsPatch& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("onboardingInformation", out.onboardingInformation);
  r.opt("notificationDestination", out.notificationDestination, check_uri);
  r.patch("apiList", out.apiList);
  r.patch("apiInvokerInformation", out.apiInvokerInformation);
  return r.ok();
}

nlohmann::json to_json(const OnboardingInformation& v) {
  nlohmann::json j{{"apiInvokerPublicKey", v.apiInvokerPublicKey}};
  put(j, "apiInvokerCertificate", v.apiInvokerCertificate);
  put(j, "onboardingSecret", v.onboardingSecret);
  return j;
}

nlohmann::json to_json(const APIList& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "serviceAPIDescriptions", v.serviceAPIDescriptions);
  return j;
}

nlohmann::json to_json(const APIInvokerEnrolmentDetails& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "apiInvokerId", v.apiInvokerId);
  j["onboardingInformation"] = to_json(v.onboardingInformation);
  j["notificationDestination"] = v.notificationDestination;
  put(j, "requestTestNotification", v.requestTestNotification);
  put(j, "websockNotifConfig", v.websockNotifConfig);
  put(j, "apiList", v.apiList);
  put(j, "apiInvokerInformation", v.apiInvokerInformation);
  put(j, "supportedFeatures", v.supportedFeatures);
  return j;
}

nlohmann::json to_json(const APIInvokerEnrolmentDetailsPatch& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "onboardingInformation", v.onboardingInformation);
  put(j, "notificationDestination", v.notificationDestination);
  put(j, "apiList", v.apiList);
  put(j, "apiInvokerInformation", v.apiInvokerInformation);
  return j;
}

std::optional<APIInvokerEnrolmentDetails> apply_patch(const APIInvokerEnrolmentDetails& base,
                                                      const APIInvokerEnrolmentDetailsPatch& patch,
                                                      InvalidParams& errs) {
  auto merged = to_json(base);
  merged.merge_patch(to_json(patch));
  return parse_body<APIInvokerEnrolmentDetails>(merged, errs);
}

nlohmann::json to_json(const OnboardingNotification& v) {
  nlohmann::json j{{"result", v.result}};
  put(j, "resourceLocation", v.resourceLocation);
  put(j, "apiInvokerEnrolmentDetails", v.apiInvokerEnrolmentDetails);
  put(j, "apiList", v.apiList);
  return j;
}

}  // namespace capif::model
