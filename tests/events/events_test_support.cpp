#include "events_test_support.hpp"

#include <stdexcept>
#include <thread>

namespace capif::testing {

std::string subscribe(const CcfProcess& ccf, Identity& who, const json& body) {
  auto r = send_json(*who.client, "POST", subscriptions_url(ccf, who.id), body);
  if (r.status != 201)
    throw std::runtime_error("subscribe failed: " + std::to_string(r.status) + " " + r.body);
  return subscription_id(r);
}

std::string subscription_id(const http::ClientResponse& created) {
  const std::string* location = created.header("location");
  if (!location) throw std::runtime_error("no Location header");
  return location->substr(location->rfind('/') + 1);
}

json wait_pending(const CcfProcess& ccf, std::int64_t n, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  json stats = notification_stats(ccf);
  while (stats["pending"] != n && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stats = notification_stats(ccf);
  }
  return stats;
}

std::vector<json> notifications(const std::vector<CapturedRequest>& requests) {
  std::vector<json> out;
  for (const auto& r : requests) out.push_back(json::parse(r.body, nullptr, false));
  return out;
}

std::vector<json> wait_notifications(CaptureServer& server, std::size_t n,
                                     std::chrono::milliseconds timeout) {
  return notifications(server.wait_for(n, timeout));
}

json notification_stats(const CcfProcess& ccf) {
  auto client = make_client(ccf);
  return body_json(send(*client, "GET", ccf.api_root() + "/healthz")).at("notifications");
}

json invocation_log(const std::string& aef_id, const std::string& invoker_id, const std::string& api_id,
                    const std::vector<std::string>& results) {
  json logs = json::array();
  for (const auto& result : results)
    logs.push_back({{"apiId", api_id},
                    {"apiName", "weather"},
                    {"apiVersion", "v1"},
                    {"resourceName", "items"},
                    {"protocol", "HTTP_1_1"},
                    {"operation", "GET"},
                    {"result", result}});
  return {{"aefId", aef_id}, {"apiInvokerId", invoker_id}, {"logs", logs}};
}

}  // namespace capif::testing
