#pragma once
// CAPIF_Discover_Service_API data model and GET /allServiceAPIs query (TS 29.222 clause 8.1).
#include "capif/model/publish_service_api.hpp"

#include <utility>
#include <vector>

namespace capif::model {

struct DiscoveredAPIs {
  std::vector<ServiceAPIDescription> serviceAPIDescriptions;  // minItems 1; omitted when empty
  bool operator==(const DiscoveredAPIs&) const = default;
};

// Exactly one of ipv4Addr / ipv6Addr.
struct IpAddrInfo {
  std::optional<Ipv4Addr> ipv4Addr;
  std::optional<Ipv6Addr> ipv6Addr;
  bool operator==(const IpAddrInfo&) const = default;
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;  // percent-decoded

struct DiscoverQuery {
  std::string apiInvokerId;                       // api-invoker-id (or the requesting CCF id on CAPIF-6/6e)
  std::optional<std::string> apiName;             // api-name
  std::optional<std::string> apiVersion;          // api-version
  std::optional<CommunicationType> commType;      // comm-type
  std::optional<Protocol> protocol;               // protocol
  std::optional<std::string> aefId;               // aef-id
  std::optional<DataFormat> dataFormat;           // data-format
  std::optional<std::string> apiCat;              // api-cat
  std::optional<nlohmann::json> preferredAefLoc;  // preferred-aef-loc (AefLocation)
  std::optional<std::string> reqApiProvName;      // req-api-prov-name
  std::optional<SupportedFeatures> supportedFeatures;     // supported-features (negotiation)
  std::optional<SupportedFeatures> apiSupportedFeatures;  // api-supported-features
  std::optional<IpAddrInfo> ueIpAddr;                     // ue-ip-addr, or exploded ipv4Addr= / ipv6Addr=
  std::optional<ServiceKpis> serviceKpis;                 // service-kpis (JSON)
  bool operator==(const DiscoverQuery&) const = default;
};

bool from_json(const nlohmann::json& j, DiscoveredAPIs& out, const std::string& pointer, InvalidParams& errs);
bool from_json(const nlohmann::json& j, IpAddrInfo& out, const std::string& pointer, InvalidParams& errs);
nlohmann::json to_json(const DiscoveredAPIs& v);
nlohmann::json to_json(const IpAddrInfo& v);

// Errors name the query parameter (InvalidParam::param = "api-invoker-id", ...). Unknown
// parameters are ignored; repeated or empty known parameters are rejected.
std::optional<DiscoverQuery> parse_discover_query(const QueryParams& params, InvalidParams& errs);

// Filter semantics. The AEF-level criteria (aef-id, protocol, data-format, api-version,
// comm-type, service-kpis, ue-ip-addr) must all hold for one and the same AEF profile, since
// the spec says each returned description includes "AEF profiles matching the filter criteria".
// Not filters: supported-features (negotiation), preferred-aef-loc (preference only), and
// req-api-prov-name (the stored description holds no provider name).
bool matches(const ServiceAPIDescription& api, const DiscoverQuery& q);

// What an API invoker may see of a stored description: shareableInfo is never returned.
ServiceAPIDescription for_discovery(const ServiceAPIDescription& api);

}  // namespace capif::model
