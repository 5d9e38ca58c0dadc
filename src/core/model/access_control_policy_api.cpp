#include "capif/model/access_control_policy_api.hpp"

namespace capif::model {

bool from_json(const nlohmann::json& j, TimeRangeList& out, const std::string& pointer, InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("startTime", out.startTime, check_date_time);
  r.opt("stopTime", out.stopTime, check_date_time);
  return r.ok();
}

bool from_json(const nlohmann::json& j, ApiInvokerPolicy& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("apiInvokerId", out.apiInvokerId, check_non_empty);
  r.opt_int("allowedTotalInvocations", out.allowedTotalInvocations);
  r.opt_int("allowedInvocationsPerSecond", out.allowedInvocationsPerSecond);
  r.opt("allowedInvocationTimeRangeList", out.allowedInvocationTimeRangeList, 0);
  return r.ok();
}

bool from_json(const nlohmann::json& j, AccessControlPolicyList& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("apiInvokerPolicies", out.apiInvokerPolicies, 0);
  return r.ok();
}

nlohmann::json to_json(const TimeRangeList& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "startTime", v.startTime);
  put(j, "stopTime", v.stopTime);
  return j;
}

nlohmann::json to_json(const ApiInvokerPolicy& v) {
  nlohmann::json j{{"apiInvokerId", v.apiInvokerId}};
  put(j, "allowedTotalInvocations", v.allowedTotalInvocations);
  put(j, "allowedInvocationsPerSecond", v.allowedInvocationsPerSecond);
  put(j, "allowedInvocationTimeRangeList", v.allowedInvocationTimeRangeList);
  return j;
}

nlohmann::json to_json(const AccessControlPolicyList& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "apiInvokerPolicies", v.apiInvokerPolicies);
  return j;
}

}  // namespace capif::model
