#pragma once
// CAPIF_Routing_Info_API data model (TS 29.222 clause 8.10.4): which AEF profile serves which UE address
// ranges of a service API (topology hiding).
#include "capif/model/publish_service_api.hpp"

#include <optional>
#include <string>
#include <vector>

namespace capif::model {

struct Ipv4AddressRange {
  Ipv4Addr start;
  Ipv4Addr end;
  bool operator==(const Ipv4AddressRange&) const = default;
};

struct Ipv6AddressRange {
  Ipv6Addr start;
  Ipv6Addr end;
  bool operator==(const Ipv6AddressRange&) const = default;
};

struct RoutingRule {
  std::optional<std::vector<Ipv4AddressRange>> ipv4AddrRanges;  // minItems 1
  std::optional<std::vector<Ipv6AddressRange>> ipv6AddrRanges;  // minItems 1
  AefProfile aefProfile;
  bool operator==(const RoutingRule&) const = default;
};

struct RoutingInfo {
  std::vector<RoutingRule> routingRules;  // minItems 1
  bool operator==(const RoutingInfo&) const = default;
};

// Ranges must have start <= end (as addresses), which the schema cannot say.
bool from_json(const nlohmann::json& j, Ipv4AddressRange& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, Ipv6AddressRange& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, RoutingRule& out, const std::string& pointer, InvalidParams& errs);
bool from_json(const nlohmann::json& j, RoutingInfo& out, const std::string& pointer, InvalidParams& errs);

nlohmann::json to_json(const Ipv4AddressRange& v);
nlohmann::json to_json(const Ipv6AddressRange& v);
nlohmann::json to_json(const RoutingRule& v);
nlohmann::json to_json(const RoutingInfo& v);

}  // namespace capif::model
