// What checking request bodies against the TS 29.222 schemas costs (model::schema::validate): a batch of
// invocation logs as capif-aef sends it, a service API description, a subscription, and a bad body
// (the error path walks the alternatives twice). Prints microseconds per body (and per log entry).
//
// usage: schema_bench [--seconds S]
#include "capif/model/schema.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

using nlohmann::json;
namespace schema = capif::model::schema;

json log_batch(int n) {
  json logs = json::array();
  for (int i = 0; i < n; ++i)
    logs.push_back({{"apiId", "3f1c0a"},
                    {"apiName", "weather"},
                    {"apiVersion", "v1"},
                    {"resourceName", "items"},
                    {"uri", "https://aef.example.org/weather/v1/items"},
                    {"protocol", "HTTP_1_1"},
                    {"operation", "GET"},
                    {"result", "200"},
                    {"invocationTime", "2026-11-28T10:00:00.123Z"},
                    {"invocationLatency", 3},
                    {"srcInterface", {{"ipv4Addr", "10.0.0.1"}, {"port", 443}}}});
  return {{"aefId", "AEF1"}, {"apiInvokerId", "INV1"}, {"logs", logs}, {"supportedFeatures", "0"}};
}

json service_api() {
  return {{"apiName", "weather"},
          {"description", "forecasts"},
          {"aefProfiles",
           {{{"aefId", "AEF1"},
             {"versions",
              {{{"apiVersion", "v1"},
                {"resources",
                 {{{"resourceName", "items"},
                   {"commType", "REQUEST_RESPONSE"},
                   {"uri", "/items"},
                   {"operations", {"GET"}}}}}}}},
             {"protocol", "HTTP_1_1"},
             {"dataFormat", "JSON"},
             {"securityMethods", {"PSK", "PKI", "OAUTH"}},
             {"interfaceDescriptions",
              {{{"ipv4Addr", "10.0.0.1"}, {"port", 8443}, {"apiPrefix", "/weather"}}}}}}},
          {"shareableInfo", {{"isShareable", false}}},
          {"supportedFeatures", "0"}};
}

json subscription() {
  return {{"events", {"SERVICE_API_AVAILABLE", "SERVICE_API_INVOCATION_SUCCESS"}},
          {"eventFilters", {{{"apiIds", {"a"}}}, {{"aefIds", {"AEF1"}}}}},
          {"eventReq", {{"notifMethod", "PERIODIC"}, {"repPeriod", 60}, {"maxReportNbr", 10}}},
          {"notificationDestination", "https://cb.example.org/n"},
          {"supportedFeatures", "5"}};
}

// Runs validate for `seconds` and returns microseconds per call; exits 1 if the body's verdict is not
// what was expected.
double per_call(const json& body, schema::Ref ref, bool valid, double seconds) {
  using clock = std::chrono::steady_clock;
  long calls = 0;
  const auto start = clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  while (clock::now() < end) {
    for (int i = 0; i < 16; ++i, ++calls) {
      capif::InvalidParams errs;
      schema::validate(body, ref, errs);
      if (errs.empty() != valid) {
        std::fprintf(stderr, "%s: unexpected verdict (%zu errors)\n", std::string(ref.name).c_str(),
                     errs.size());
        std::exit(1);
      }
    }
  }
  return std::chrono::duration<double, std::micro>(clock::now() - start).count() / static_cast<double>(calls);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: schema_bench [--seconds S]\n");
      return 2;
    }
  }
  auto bad = service_api();
  bad["aefProfiles"][0]["interfaceDescriptions"][0]["port"] = "8443";
  bad["aefProfiles"][0]["domainName"] = "aef.example.org";
  bad.erase("apiName");

  const double batch = per_call(log_batch(1000), schema::kInvocationLog, true, seconds);
  std::printf("InvocationLog, 1000 entries     %9.1f us per body  %6.2f us per entry\n", batch, batch / 1000);
  std::printf("InvocationLog, 1 entry          %9.2f us per body\n",
              per_call(log_batch(1), schema::kInvocationLog, true, seconds));
  std::printf("ServiceAPIDescription           %9.2f us per body\n",
              per_call(service_api(), schema::kServiceAPIDescription, true, seconds));
  std::printf("EventSubscription               %9.2f us per body\n",
              per_call(subscription(), schema::kEventSubscription, true, seconds));
  std::printf("ServiceAPIDescription, 3 errors %9.2f us per body\n",
              per_call(bad, schema::kServiceAPIDescription, false, seconds));
  return 0;
}
