#pragma once
// CAPIF_Auditing_API data model (TS 29.222 clause 8.8): the AMF queries stored invocation logs.
#include "capif/model/logging_api.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace capif::model {

struct InvocationLogs {
  std::vector<InvocationLog> multipleInvocationLogs;  // minItems 1
  std::optional<SupportedFeatures> supportedFeatures;
  bool operator==(const InvocationLogs&) const = default;
};

// GET /logs/v1/apiInvocationLogs query filters; an absent filter matches everything.
struct InvocationLogsQuery {
  std::optional<std::string> aefId, apiInvokerId;
  std::optional<std::int64_t> timeRangeStart, timeRangeEnd;  // unix seconds, inclusive
  std::optional<std::string> apiId, apiName, apiVersion, protocol, operation, result, resourceName;
  std::optional<InterfaceDescription> srcInterface, destInterface;  // JSON-encoded query values
  std::optional<SupportedFeatures> supportedFeatures;
};

using AuditQueryParams = std::vector<std::pair<std::string, std::string>>;  // percent-decoded
// Unknown parameters are errors (a typo must not silently widen the result); so are repeated ones.
std::optional<InvocationLogsQuery> parse_invocation_logs_query(const AuditQueryParams& params,
                                                               InvalidParams& errs);

// Whether one log entry of an InvocationLog stored at `received_unix` passes the per-entry filters
// (everything but aefId / apiInvokerId). The time filters use invocationTime, or received_unix without it.
bool matches(const InvocationLogsQuery& q, const Log& log, std::int64_t received_unix);

// Unix seconds of an RFC 3339 date-time (offsets applied, fractions dropped); nullopt if invalid.
std::optional<std::int64_t> date_time_to_unix(std::string_view s);
std::string unix_to_date_time(std::int64_t unix_seconds);  // "YYYY-MM-DDTHH:MM:SSZ"

bool from_json(const nlohmann::json& j, InvocationLogs& out, const std::string& pointer, InvalidParams& errs);
nlohmann::json to_json(const InvocationLogs& v);

}  // namespace capif::model
