#include "capif/model/logging_api.hpp"

namespace capif::model {

bool from_json(const nlohmann::json& j, Log& out, const std::string& pointer, InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("apiId", out.apiId, check_non_empty);
  r.req("apiName", out.apiName, check_non_empty);
  r.req("apiVersion", out.apiVersion, check_non_empty);
  r.req("resourceName", out.resourceName, check_non_empty);
  r.opt("uri", out.uri, check_uri);
  r.req("protocol", out.protocol, check_non_empty);
  r.opt("operation", out.operation);
  r.req("result", out.result, check_non_empty);
  r.opt("invocationTime", out.invocationTime, check_date_time);
  r.opt_int("invocationLatency", out.invocationLatency);
  // inputParameters/outputParameters are "any value"; a JSON null is kept as absent.
  if (r.has("inputParameters") && !j.at("inputParameters").is_null())
    out.inputParameters = j.at("inputParameters");
  if (r.has("outputParameters") && !j.at("outputParameters").is_null())
    out.outputParameters = j.at("outputParameters");
  r.opt("srcInterface", out.srcInterface);
  r.opt("destInterface", out.destInterface);
  r.opt("fwdInterface", out.fwdInterface);
  return r.ok();
}

bool from_json(const nlohmann::json& j, InvocationLog& out, const std::string& pointer, InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("aefId", out.aefId, check_non_empty);
  r.req("apiInvokerId", out.apiInvokerId, check_non_empty);
  r.req("logs", out.logs, 1);
  r.opt("supportedFeatures", out.supportedFeatures, check_supported_features);
  return r.ok();
}

nlohmann::json to_json(const Log& v) {
  nlohmann::json j{{"apiId", v.apiId},           {"apiName", v.apiName},
                   {"apiVersion", v.apiVersion}, {"resourceName", v.resourceName},
                   {"protocol", v.protocol},     {"result", v.result}};
  put(j, "uri", v.uri);
  put(j, "operation", v.operation);
  put(j, "invocationTime", v.invocationTime);
  put(j, "invocationLatency", v.invocationLatency);
  put(j, "inputParameters", v.inputParameters);
  put(j, "outputParameters", v.outputParameters);
  put(j, "srcInterface", v.srcInterface);
  put(j, "destInterface", v.destInterface);
  put(j, "fwdInterface", v.fwdInterface);
  return j;
}

nlohmann::json to_json(const InvocationLog& v) {
  nlohmann::json j{{"aefId", v.aefId}, {"apiInvokerId", v.apiInvokerId}, {"logs", to_json(v.logs)}};
  put(j, "supportedFeatures", v.supportedFeatures);
  return j;
}

}  // namespace capif::model
