#pragma once
// supportedFeatures negotiation (TS 29.122 clause 5.2.7 via TS 29.222 clause 7.8): each API's answer carries
// the intersection of what the client asked and what this CCF supports, so an unsupported feature is never
// advertised. Feature n is bit n-1 of the hex string (TS 29.222 feature tables, docs/architecture.md).
#include "capif/model/common_data.hpp"

#include <optional>
#include <string>

namespace capif::ccf {

inline constexpr const char* kInvokerManagementFeatures = "4";   // 3 PatchUpdate
inline constexpr const char* kProviderManagementFeatures = "1";  // 1 PatchUpdate
inline constexpr const char* kPublishFeatures = "3";   // 1 ApiSupportedFeaturePublishing, 2 PatchUpdate
inline constexpr const char* kSecurityFeatures = "4";  // 3 SecurityInfoPerAPI
// CAPIF_Events_API: kEventsSupportedFeatures (ccf/store/event_fanout.hpp).

// Absent stays absent (the client negotiates nothing).
inline std::optional<std::string> negotiate_features(const std::optional<std::string>& asked,
                                                     const char* supported) {
  if (!asked) return std::nullopt;
  return model::intersect_features(*asked, supported);
}

}  // namespace capif::ccf
