#include "capif/model/discover_service_api.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <map>

namespace capif::model {

bool from_json(const nlohmann::json& j, DiscoveredAPIs& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  if (r.has("serviceAPIDescriptions")) r.req("serviceAPIDescriptions", out.serviceAPIDescriptions, 1);
  return r.ok();
}

bool from_json(const nlohmann::json& j, IpAddrInfo& out, const std::string& pointer, InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("ipv4Addr", out.ipv4Addr, check_ipv4);
  r.opt("ipv6Addr", out.ipv6Addr, check_ipv6);
  const int given = r.has("ipv4Addr") + r.has("ipv6Addr");
  if (given != 1) r.fail(pointer, "must contain exactly one of ipv4Addr or ipv6Addr");
  return r.ok();
}

nlohmann::json to_json(const DiscoveredAPIs& v) {
  nlohmann::json j = nlohmann::json::object();
  if (!v.serviceAPIDescriptions.empty()) j["serviceAPIDescriptions"] = to_json(v.serviceAPIDescriptions);
  return j;
}

nlohmann::json to_json(const IpAddrInfo& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "ipv4Addr", v.ipv4Addr);
  put(j, "ipv6Addr", v.ipv6Addr);
  return j;
}

namespace {

constexpr std::string_view kKnown[] = {"api-invoker-id",     "api-name",
                                       "api-version",        "comm-type",
                                       "protocol",           "aef-id",
                                       "data-format",        "api-cat",
                                       "preferred-aef-loc",  "req-api-prov-name",
                                       "supported-features", "api-supported-features",
                                       "ue-ip-addr",         "service-kpis",
                                       "ipv4Addr",           "ipv6Addr"};

// Parses a JSON-encoded query value with a model parser; nested errors keep the query name as
// param and carry the inner pointer in the reason.
template <class T>
bool parse_json_param(const std::string& name, const std::string& value, T& out, InvalidParams& errs) {
  auto j = nlohmann::json::parse(value, nullptr, false);
  if (j.is_discarded()) {
    errs.push_back({name, "must be valid JSON"});
    return false;
  }
  InvalidParams inner;
  from_json(j, out, std::string{}, inner);
  for (auto& e : inner) errs.push_back({name, e.param.empty() ? e.reason : e.param + " " + e.reason});
  return inner.empty();
}

bool parse_raw_object(const std::string& name, const std::string& value, nlohmann::json& out,
                      InvalidParams& errs) {
  out = nlohmann::json::parse(value, nullptr, false);
  if (out.is_discarded()) {
    errs.push_back({name, "must be valid JSON"});
    return false;
  }
  if (!out.is_object()) {
    errs.push_back({name, "must be a JSON object"});
    return false;
  }
  return true;
}

// Accepts a JSON IpAddrInfo or, leniently, a bare IPv4/IPv6 address.
void parse_ue_ip(const std::string& value, DiscoverQuery& q, InvalidParams& errs) {
  IpAddrInfo info;
  if (!value.empty() && value.front() == '{') {
    if (parse_json_param("ue-ip-addr", value, info, errs)) q.ueIpAddr = info;
  } else if (!check_ipv4(value)) {
    q.ueIpAddr = IpAddrInfo{value, std::nullopt};
  } else if (!check_ipv6(value)) {
    q.ueIpAddr = IpAddrInfo{std::nullopt, value};
  } else {
    errs.push_back({"ue-ip-addr", "must be a JSON IpAddrInfo or an IP address"});
  }
}

}  // namespace

std::optional<DiscoverQuery> parse_discover_query(const QueryParams& params, InvalidParams& errs) {
  const auto before = errs.size();
  std::map<std::string, std::string, std::less<>> seen;
  for (const auto& [name, value] : params) {
    if (std::find(std::begin(kKnown), std::end(kKnown), name) == std::end(kKnown)) continue;
    if (!seen.emplace(name, value).second) {
      errs.push_back({name, "must not be repeated"});
    } else if (value.empty()) {
      errs.push_back({name, "must not be empty"});
    }
  }
  DiscoverQuery q;
  auto get = [&](std::string_view name) -> const std::string* {
    auto it = seen.find(name);
    return it == seen.end() || it->second.empty() ? nullptr : &it->second;
  };
  auto str = [&](std::string_view name, std::optional<std::string>& out) {
    if (const auto* v = get(name)) out = *v;
  };

  if (const auto* v = get("api-invoker-id"))
    q.apiInvokerId = *v;
  else if (!seen.count("api-invoker-id"))
    errs.push_back({"api-invoker-id", "is required"});
  str("api-name", q.apiName);
  str("api-version", q.apiVersion);
  str("comm-type", q.commType);
  str("protocol", q.protocol);
  str("aef-id", q.aefId);
  str("data-format", q.dataFormat);
  str("api-cat", q.apiCat);
  str("req-api-prov-name", q.reqApiProvName);
  for (auto [name, out] : {std::pair{"supported-features", &q.supportedFeatures},
                           std::pair{"api-supported-features", &q.apiSupportedFeatures}}) {
    if (const auto* v = get(name)) {
      if (const char* why = check_supported_features(*v))
        errs.push_back({name, why});
      else
        *out = *v;
    }
  }
  if (q.apiSupportedFeatures && !q.apiName)
    errs.push_back({"api-supported-features", "may only be present together with api-name"});
  if (const auto* v = get("preferred-aef-loc")) {
    nlohmann::json loc;
    if (parse_raw_object("preferred-aef-loc", *v, loc, errs)) q.preferredAefLoc = std::move(loc);
  }
  if (const auto* v = get("service-kpis")) {
    ServiceKpis kpis;
    if (parse_json_param("service-kpis", *v, kpis, errs)) q.serviceKpis = kpis;
  }
  if (const auto* v = get("ue-ip-addr")) parse_ue_ip(*v, q, errs);
  // OpenAPI form/explode encoding of the IpAddrInfo object puts its members at top level.
  const auto* v4 = get("ipv4Addr");
  const auto* v6 = get("ipv6Addr");
  if (v4 || v6) {
    if (q.ueIpAddr || (v4 && v6)) {
      errs.push_back({"ue-ip-addr", "must contain exactly one of ipv4Addr or ipv6Addr"});
    } else if (v4) {
      if (const char* why = check_ipv4(*v4)) errs.push_back({"ipv4Addr", why});
      q.ueIpAddr = IpAddrInfo{*v4, std::nullopt};
    } else {
      if (const char* why = check_ipv6(*v6)) errs.push_back({"ipv6Addr", why});
      q.ueIpAddr = IpAddrInfo{std::nullopt, *v6};
    }
  }
  if (errs.size() != before) return std::nullopt;
  return q;
}

namespace {

bool has_comm_type(const std::optional<std::vector<CustomOperation>>& ops, const std::string& ct) {
  return ops && std::any_of(ops->begin(), ops->end(), [&](const auto& o) { return o.commType == ct; });
}

bool version_has_comm_type(const Version& v, const std::string& ct) {
  if (has_comm_type(v.custOperations, ct)) return true;
  return v.resources && std::any_of(v.resources->begin(), v.resources->end(), [&](const Resource& r) {
           return r.commType == ct || has_comm_type(r.custOperations, ct);
         });
}

// A requested KPI is met only when the AEF advertises it and `better_or_equal` holds.
template <class T, class F>
bool kpi_ok(const std::optional<T>& have, const std::optional<T>& want, F better_or_equal) {
  return !want || (have && better_or_equal(*have, *want));
}

bool kpis_ok(const std::optional<ServiceKpis>& have, const ServiceKpis& want) {
  const ServiceKpis h = have.value_or(ServiceKpis{});
  auto ge = [](std::int64_t a, std::int64_t b) { return a >= b; };
  auto le = [](std::int64_t a, std::int64_t b) { return a <= b; };
  auto amount_ge = [](const std::string& a, const std::string& b) {
    auto x = service_kpi_amount(a), y = service_kpi_amount(b);
    return x && y && *x >= *y;
  };
  return kpi_ok(h.maxReqRate, want.maxReqRate, ge) && kpi_ok(h.maxRestime, want.maxRestime, le) &&
         kpi_ok(h.availability, want.availability, ge) && kpi_ok(h.conBand, want.conBand, ge) &&
         kpi_ok(h.avalComp, want.avalComp, amount_ge) && kpi_ok(h.avalGraComp, want.avalGraComp, amount_ge) &&
         kpi_ok(h.avalMem, want.avalMem, amount_ge) && kpi_ok(h.avalStor, want.avalStor, amount_ge);
}

using AddrBytes = std::array<unsigned char, 16>;

std::optional<AddrBytes> addr_bytes(const nlohmann::json& v, int family) {
  if (!v.is_string()) return std::nullopt;
  AddrBytes b{};
  if (inet_pton(family, v.get<std::string>().c_str(), b.data()) != 1) return std::nullopt;
  return b;
}

// An AEF without ueIpRange serves every UE.
bool ue_in_range(const std::optional<nlohmann::json>& range, const IpAddrInfo& ue) {
  if (!range) return true;
  const bool v4 = ue.ipv4Addr.has_value();
  const int family = v4 ? AF_INET : AF_INET6;
  const auto addr = addr_bytes(v4 ? *ue.ipv4Addr : *ue.ipv6Addr, family);
  const auto it = range->find(v4 ? "ueIpv4AddrRanges" : "ueIpv6AddrRanges");
  if (!addr || it == range->end() || !it->is_array()) return false;
  return std::any_of(it->begin(), it->end(), [&](const nlohmann::json& r) {
    if (!r.is_object() || !r.contains("start") || !r.contains("end")) return false;
    const auto lo = addr_bytes(r["start"], family), hi = addr_bytes(r["end"], family);
    return lo && hi && *lo <= *addr && *addr <= *hi;  // network byte order compares numerically
  });
}

bool profile_matches(const AefProfile& p, const DiscoverQuery& q) {
  if (q.aefId && p.aefId != *q.aefId) return false;
  if (q.protocol && p.protocol != q.protocol) return false;
  if (q.dataFormat && p.dataFormat != q.dataFormat) return false;
  if (q.apiVersion || q.commType) {
    const bool any = std::any_of(p.versions.begin(), p.versions.end(), [&](const Version& v) {
      return (!q.apiVersion || v.apiVersion == *q.apiVersion) &&
             (!q.commType || version_has_comm_type(v, *q.commType));
    });
    if (!any) return false;
  }
  if (q.serviceKpis && !kpis_ok(p.serviceKpis, *q.serviceKpis)) return false;
  if (q.ueIpAddr && !ue_in_range(p.ueIpRange, *q.ueIpAddr)) return false;
  return true;
}

}  // namespace

bool matches(const ServiceAPIDescription& api, const DiscoverQuery& q) {
  if (q.apiName && api.apiName != *q.apiName) return false;
  if (q.apiCat && api.serviceAPICategory != q.apiCat) return false;
  if (q.apiSupportedFeatures && !has_all_features(api.apiSuppFeats.value_or(""), *q.apiSupportedFeatures))
    return false;
  const bool per_aef =
      q.aefId || q.protocol || q.dataFormat || q.apiVersion || q.commType || q.serviceKpis || q.ueIpAddr;
  if (!per_aef) return true;
  // A category-level publication (no aefProfiles) cannot satisfy AEF-level criteria.
  return api.aefProfiles && std::any_of(api.aefProfiles->begin(), api.aefProfiles->end(),
                                        [&](const AefProfile& p) { return profile_matches(p, q); });
}

ServiceAPIDescription for_discovery(const ServiceAPIDescription& api) {
  ServiceAPIDescription out = api;
  out.shareableInfo.reset();
  return out;
}

}  // namespace capif::model
