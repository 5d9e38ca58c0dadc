#include "capif/model/publish_service_api.hpp"

#include <cmath>
#include <regex>

namespace capif::model {

namespace {
const std::regex& flops_re() {
  static const std::regex re(R"(^(\d+(\.\d+)?) (k|M|G|T|P|E|Z)FLOPS$)");
  return re;
}
const std::regex& bytes_re() {
  static const std::regex re(R"(^(\d+(\.\d+)?) (K|M|G|T|P|E|Z|Y)B$)");
  return re;
}
const char* check_flops(std::string_view s) {
  return std::regex_match(s.begin(), s.end(), flops_re()) ? nullptr
                                                          : "must match '<number> <k|M|G|T|P|E|Z>FLOPS'";
}
const char* check_bytes(std::string_view s) {
  return std::regex_match(s.begin(), s.end(), bytes_re()) ? nullptr
                                                          : "must match '<number> <K|M|G|T|P|E|Z|Y>B'";
}
}  // namespace

std::optional<double> service_kpi_amount(std::string_view s) {
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(s.begin(), s.end(), m, flops_re()) &&
      !std::regex_match(s.begin(), s.end(), m, bytes_re()))
    return std::nullopt;
  static constexpr std::string_view kPrefixes = "kMGTPEZY";
  const char p = *m[3].first == 'K' ? 'k' : *m[3].first;
  const auto exp = static_cast<double>(kPrefixes.find(p) + 1);
  return std::stod(m[1].str()) * std::pow(1000.0, exp);
}

bool from_json(const nlohmann::json& j, CustomOperation& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("commType", out.commType);
  r.req("custOpName", out.custOpName);
  r.opt("operations", out.operations, 1);
  r.opt("description", out.description);
  return r.ok();
}

bool from_json(const nlohmann::json& j, Resource& out, const std::string& pointer, InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("resourceName", out.resourceName);
  r.req("commType", out.commType);
  r.req("uri", out.uri);
  r.opt("custOpName", out.custOpName);
  r.opt("custOperations", out.custOperations, 1);
  r.opt("operations", out.operations, 1);
  r.opt("description", out.description);
  return r.ok();
}

bool from_json(const nlohmann::json& j, Version& out, const std::string& pointer, InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("apiVersion", out.apiVersion);
  r.opt("expiry", out.expiry, check_date_time);
  r.opt("resources", out.resources, 1);
  r.opt("custOperations", out.custOperations, 1);
  return r.ok();
}

bool from_json(const nlohmann::json& j, InterfaceDescription& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("ipv4Addr", out.ipv4Addr, check_ipv4);
  r.opt("ipv6Addr", out.ipv6Addr, check_ipv6);
  r.opt("fqdn", out.fqdn, check_fqdn);
  r.opt_int("port", out.port, kPortMin, kPortMax);
  r.opt("apiPrefix", out.apiPrefix);
  r.opt("securityMethods", out.securityMethods, 1);
  const int given = r.has("ipv4Addr") + r.has("ipv6Addr") + r.has("fqdn");
  if (given == 0) r.fail(pointer, "one of ipv4Addr, ipv6Addr or fqdn is required");
  if (given > 1) r.fail(pointer, "must contain only one of ipv4Addr, ipv6Addr or fqdn");
  return r.ok();
}

bool from_json(const nlohmann::json& j, ServiceKpis& out, const std::string& pointer, InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt_int("maxReqRate", out.maxReqRate);
  r.opt_int("maxRestime", out.maxRestime);
  r.opt_int("availability", out.availability);
  r.opt("avalComp", out.avalComp, check_flops);
  r.opt("avalGraComp", out.avalGraComp, check_flops);
  r.opt("avalMem", out.avalMem, check_bytes);
  r.opt("avalStor", out.avalStor, check_bytes);
  r.opt_int("conBand", out.conBand);
  return r.ok();
}

bool from_json(const nlohmann::json& j, AefProfile& out, const std::string& pointer, InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("aefId", out.aefId);
  r.req("versions", out.versions, 1);
  r.opt("protocol", out.protocol);
  r.opt("dataFormat", out.dataFormat);
  r.opt("securityMethods", out.securityMethods, 1);
  r.opt("domainName", out.domainName);
  r.opt("interfaceDescriptions", out.interfaceDescriptions, 1);
  r.opt_object("aefLocation", out.aefLocation);
  r.opt("serviceKpis", out.serviceKpis);
  r.opt_object("ueIpRange", out.ueIpRange);
  const bool dn = r.has("domainName"), ifs = r.has("interfaceDescriptions");
  if (dn && ifs) r.fail(pointer, "must be one of domainName or interfaceDescriptions, not both");
  if (!dn && !ifs) r.fail(pointer, "one of domainName or interfaceDescriptions is required");
  return r.ok();
}

bool from_json(const nlohmann::json& j, ShareableInformation& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("isShareable", out.isShareable);
  r.opt("capifProvDoms", out.capifProvDoms, 1);
  return r.ok();
}

bool from_json(const nlohmann::json& j, PublishedApiPath& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("ccfIds", out.ccfIds, 1);
  return r.ok();
}

bool from_json(const nlohmann::json& j, ApiStatus& out, const std::string& pointer, InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("aefIds", out.aefIds, 0);
  return r.ok();
}

bool from_json(const nlohmann::json& j, ServiceAPIDescription& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("apiName", out.apiName);
  r.opt("apiId", out.apiId);
  r.opt("apiStatus", out.apiStatus);
  r.opt("aefProfiles", out.aefProfiles, 1);
  r.opt("description", out.description);
  r.opt("supportedFeatures", out.supportedFeatures, check_supported_features);
  r.opt("shareableInfo", out.shareableInfo);
  r.opt("serviceAPICategory", out.serviceAPICategory);
  r.opt("apiSuppFeats", out.apiSuppFeats, check_supported_features);
  r.opt("pubApiPath", out.pubApiPath);
  r.opt("ccfId", out.ccfId);
  return r.ok();
}

bool from_json(const nlohmann::json& j, ServiceAPIDescriptionPatch& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.patch("apiStatus", out.apiStatus);
  r.patch("aefProfiles", out.aefProfiles, 1);
  r.patch("description", out.description);
  r.patch("shareableInfo", out.shareableInfo);
  r.patch("serviceAPICategory", out.serviceAPICategory);
  r.patch("apiSuppFeats", out.apiSuppFeats, check_supported_features);
  r.patch("pubApiPath", out.pubApiPath);
  r.patch("ccfId", out.ccfId);
  return r.ok();
}

nlohmann::json to_json(const CustomOperation& v) {
  nlohmann::json j{{"commType", v.commType}, {"custOpName", v.custOpName}};
  put(j, "operations", v.operations);
  put(j, "description", v.description);
  return j;
}

nlohmann::json to_json(const Resource& v) {
  nlohmann::json j{{"resourceName", v.resourceName}, {"commType", v.commType}, {"uri", v.uri}};
  put(j, "custOpName", v.custOpName);
  put(j, "custOperations", v.custOperations);
  put(j, "operations", v.operations);
  put(j, "description", v.description);
  return j;
}

nlohmann::json to_json(const Version& v) {
  nlohmann::json j{{"apiVersion", v.apiVersion}};
  put(j, "expiry", v.expiry);
  put(j, "resources", v.resources);
  put(j, "custOperations", v.custOperations);
  return j;
}

nlohmann::json to_json(const InterfaceDescription& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "ipv4Addr", v.ipv4Addr);
  put(j, "ipv6Addr", v.ipv6Addr);
  put(j, "fqdn", v.fqdn);
  put(j, "port", v.port);
  put(j, "apiPrefix", v.apiPrefix);
  put(j, "securityMethods", v.securityMethods);
  return j;
}

nlohmann::json to_json(const ServiceKpis& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "maxReqRate", v.maxReqRate);
  put(j, "maxRestime", v.maxRestime);
  put(j, "availability", v.availability);
  put(j, "avalComp", v.avalComp);
  put(j, "avalGraComp", v.avalGraComp);
  put(j, "avalMem", v.avalMem);
  put(j, "avalStor", v.avalStor);
  put(j, "conBand", v.conBand);
  return j;
}

nlohmann::json to_json(const AefProfile& v) {
  nlohmann::json j{{"aefId", v.aefId}, {"versions", to_json(v.versions)}};
  put(j, "protocol", v.protocol);
  put(j, "dataFormat", v.dataFormat);
  put(j, "securityMethods", v.securityMethods);
  put(j, "domainName", v.domainName);
  put(j, "interfaceDescriptions", v.interfaceDescriptions);
  put(j, "aefLocation", v.aefLocation);
  put(j, "serviceKpis", v.serviceKpis);
  put(j, "ueIpRange", v.ueIpRange);
  return j;
}

nlohmann::json to_json(const ShareableInformation& v) {
  nlohmann::json j{{"isShareable", v.isShareable}};
  put(j, "capifProvDoms", v.capifProvDoms);
  return j;
}

nlohmann::json to_json(const PublishedApiPath& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "ccfIds", v.ccfIds);
  return j;
}

nlohmann::json to_json(const ApiStatus& v) {
  return {{"aefIds", to_json(v.aefIds)}};
}

nlohmann::json to_json(const ServiceAPIDescription& v) {
  nlohmann::json j{{"apiName", v.apiName}};
  put(j, "apiId", v.apiId);
  put(j, "apiStatus", v.apiStatus);
  put(j, "aefProfiles", v.aefProfiles);
  put(j, "description", v.description);
  put(j, "supportedFeatures", v.supportedFeatures);
  put(j, "shareableInfo", v.shareableInfo);
  put(j, "serviceAPICategory", v.serviceAPICategory);
  put(j, "apiSuppFeats", v.apiSuppFeats);
  put(j, "pubApiPath", v.pubApiPath);
  put(j, "ccfId", v.ccfId);
  return j;
}

nlohmann::json to_json(const ServiceAPIDescriptionPatch& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "apiStatus", v.apiStatus);
  put(j, "aefProfiles", v.aefProfiles);
  put(j, "description", v.description);
  put(j, "shareableInfo", v.shareableInfo);
  put(j, "serviceAPICategory", v.serviceAPICategory);
  put(j, "apiSuppFeats", v.apiSuppFeats);
  put(j, "pubApiPath", v.pubApiPath);
  put(j, "ccfId", v.ccfId);
  return j;
}

std::optional<ServiceAPIDescription> apply_patch(const ServiceAPIDescription& base,
                                                 const ServiceAPIDescriptionPatch& patch,
                                                 InvalidParams& errs) {
  auto merged = to_json(base);
  merged.merge_patch(to_json(patch));
  return parse_body<ServiceAPIDescription>(merged, errs);
}

}  // namespace capif::model

namespace capif::model {

std::string aef_interface_string(const InterfaceDescription& intf) {
  std::string host = intf.ipv4Addr ? *intf.ipv4Addr
                     : intf.ipv6Addr ? "[" + *intf.ipv6Addr + "]"
                                     : intf.fqdn.value_or("");
  return host + ":" + std::to_string(intf.port.value_or(443)) + intf.apiPrefix.value_or("");
}

std::string aef_interface_string(const AefProfile& profile) {
  if (profile.interfaceDescriptions && !profile.interfaceDescriptions->empty())
    return aef_interface_string(profile.interfaceDescriptions->front());
  return profile.domainName.value_or("");
}

}  // namespace capif::model
