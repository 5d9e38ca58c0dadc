#pragma once
// CAPIF_Logging_API_Invocation_API data model (TS 29.222 clause 8.7.4): invocation logs an AEF reports.
#include "capif/model/publish_service_api.hpp"

#include <optional>
#include <string>
#include <vector>

namespace capif::model {

struct Log {
  std::string apiId;
  std::string apiName;
  std::string apiVersion;
  std::string resourceName;
  std::optional<Uri> uri;
  Protocol protocol;
  std::optional<Operation> operation;
  std::string result;  // HTTP status code for HTTP
  std::optional<DateTime> invocationTime;
  std::optional<std::int64_t> invocationLatency;   // DurationMs, >= 0
  std::optional<nlohmann::json> inputParameters;   // any JSON value
  std::optional<nlohmann::json> outputParameters;  // any JSON value
  std::optional<InterfaceDescription> srcInterface;
  std::optional<InterfaceDescription> destInterface;
  std::optional<std::string> fwdInterface;
  bool operator==(const Log&) const = default;
};

struct InvocationLog {
  std::string aefId;
  std::string apiInvokerId;
  std::vector<Log> logs;  // minItems 1
  std::optional<SupportedFeatures> supportedFeatures;
  bool operator==(const InvocationLog&) const = default;
};

bool from_json(const nlohmann::json& j, Log& out, const std::string& pointer, InvalidParams& errs);
bool from_json(const nlohmann::json& j, InvocationLog& out, const std::string& pointer, InvalidParams& errs);

nlohmann::json to_json(const Log& v);
nlohmann::json to_json(const InvocationLog& v);

}  // namespace capif::model
