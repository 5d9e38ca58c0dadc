#include "capif/model/auditing_api.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace capif::model {

namespace {
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {  // H. Hinnant's algorithm
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool same(const std::optional<std::string>& filter, const std::string& value) {
  return !filter || *filter == value;
}
bool same(const std::optional<std::string>& filter, const std::optional<std::string>& value) {
  return !filter || (value && *filter == *value);
}
bool same_interface(const std::optional<InterfaceDescription>& filter,
                    const std::optional<InterfaceDescription>& value) {
  return !filter || (value && aef_interface_string(*filter) == aef_interface_string(*value));
}
}  // namespace

std::optional<std::int64_t> date_time_to_unix(std::string_view s) {
  if (check_date_time(s)) return std::nullopt;
  int y, mo, d, h, mi, sec;
  const std::string str(s);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2d%*c%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6)
    return std::nullopt;
  std::int64_t t = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                   h * 3600 + mi * 60 + sec;
  const char last = str.back();
  if (last != 'Z' && last != 'z') {
    const std::size_t sign = str.find_last_of("+-");
    const int oh = std::stoi(str.substr(sign + 1, 2)), om = std::stoi(str.substr(sign + 4, 2));
    const std::int64_t off = oh * 3600 + om * 60;
    t += str[sign] == '+' ? -off : off;
  }
  return t;
}

std::string unix_to_date_time(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<InvocationLogsQuery> parse_invocation_logs_query(const AuditQueryParams& params,
                                                               InvalidParams& errs) {
  InvocationLogsQuery q;
  const auto before = errs.size();
  std::vector<std::string> seen;
  for (const auto& [name, value] : params) {
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      errs.push_back({name, "must not be repeated"});
      continue;
    }
    seen.push_back(name);
    auto text = [&](std::optional<std::string>& out) {
      if (value.empty())
        errs.push_back({name, "must not be empty"});
      else
        out = value;
    };
    auto time = [&](std::optional<std::int64_t>& out) {
      if (auto t = date_time_to_unix(value))
        out = t;
      else
        errs.push_back({name, "must be an RFC 3339 date-time"});
    };
    auto interface = [&](std::optional<InterfaceDescription>& out) {
      auto j = nlohmann::json::parse(value, nullptr, false);
      InterfaceDescription d;
      if (j.is_discarded())
        errs.push_back({name, "must be a JSON InterfaceDescription"});
      else if (from_json(j, d, "", errs))
        out = d;
    };
    if (name == "aef-id")
      text(q.aefId);
    else if (name == "api-invoker-id")
      text(q.apiInvokerId);
    else if (name == "time-range-start")
      time(q.timeRangeStart);
    else if (name == "time-range-end")
      time(q.timeRangeEnd);
    else if (name == "api-id")
      text(q.apiId);
    else if (name == "api-name")
      text(q.apiName);
    else if (name == "api-version")
      text(q.apiVersion);
    else if (name == "protocol")
      text(q.protocol);
    else if (name == "operation")
      text(q.operation);
    else if (name == "result")
      text(q.result);
    else if (name == "resource-name")
      text(q.resourceName);
    else if (name == "src-interface")
      interface(q.srcInterface);
    else if (name == "dest-interface")
      interface(q.destInterface);
    else if (name == "supported-features") {
      if (auto why = check_supported_features(value))
        errs.push_back({name, why});
      else
        q.supportedFeatures = value;
    } else {
      errs.push_back({name, "is not a query parameter of this operation"});
    }
  }
  if (q.timeRangeStart && q.timeRangeEnd && *q.timeRangeStart > *q.timeRangeEnd)
    errs.push_back({"time-range-end", "must not be before time-range-start"});
  if (errs.size() != before) return std::nullopt;
  return q;
}

bool matches(const InvocationLogsQuery& q, const Log& log, std::int64_t received_unix) {
  std::int64_t when = received_unix;
  if (log.invocationTime)
    if (auto t = date_time_to_unix(*log.invocationTime)) when = *t;
  if (q.timeRangeStart && when < *q.timeRangeStart) return false;
  if (q.timeRangeEnd && when > *q.timeRangeEnd) return false;
  return same(q.apiId, log.apiId) && same(q.apiName, log.apiName) && same(q.apiVersion, log.apiVersion) &&
         same(q.protocol, log.protocol) && same(q.operation, log.operation) && same(q.result, log.result) &&
         same(q.resourceName, log.resourceName) && same_interface(q.srcInterface, log.srcInterface) &&
         same_interface(q.destInterface, log.destInterface);
}

bool from_json(const nlohmann::json& j, InvocationLogs& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("multipleInvocationLogs", out.multipleInvocationLogs, 1);
  r.opt("supportedFeatures", out.supportedFeatures, check_supported_features);
  return r.ok();
}

nlohmann::json to_json(const InvocationLogs& v) {
  nlohmann::json j{{"multipleInvocationLogs", to_json(v.multipleInvocationLogs)}};
  put(j, "supportedFeatures", v.supportedFeatures);
  return j;
}

}  // namespace capif::model
