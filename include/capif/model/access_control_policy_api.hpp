#pragma once
// CAPIF_Access_Control_Policy_API data model (TS 29.222 clause 8.6.4): what an AEF enforces per invoker.
#include "capif/model/common_data.hpp"
#include "capif/model/json_reader.hpp"

#include <optional>
#include <string>
#include <vector>

namespace capif::model {

struct TimeRangeList {
  std::optional<DateTime> startTime;
  std::optional<DateTime> stopTime;
  bool operator==(const TimeRangeList&) const = default;
};

// Absent limits mean "no limit".
struct ApiInvokerPolicy {
  std::string apiInvokerId;
  std::optional<std::int64_t> allowedTotalInvocations;
  std::optional<std::int64_t> allowedInvocationsPerSecond;
  std::optional<std::vector<TimeRangeList>> allowedInvocationTimeRangeList;
  bool operator==(const ApiInvokerPolicy&) const = default;
};

struct AccessControlPolicyList {
  std::optional<std::vector<ApiInvokerPolicy>> apiInvokerPolicies;  // minItems 0
  bool operator==(const AccessControlPolicyList&) const = default;
};

bool from_json(const nlohmann::json& j, TimeRangeList& out, const std::string& pointer, InvalidParams& errs);
bool from_json(const nlohmann::json& j, ApiInvokerPolicy& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, AccessControlPolicyList& out, const std::string& pointer,
               InvalidParams& errs);

nlohmann::json to_json(const TimeRangeList& v);
nlohmann::json to_json(const ApiInvokerPolicy& v);
nlohmann::json to_json(const AccessControlPolicyList& v);

}  // namespace capif::model
