#pragma once
// Helpers of the CAPIF_Events_API tests: subscription bodies, callback URLs and the notifications a
// CaptureServer received.
#include "capif_parties.hpp"
#include "capture_server.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace capif::testing {

inline constexpr auto kWait = std::chrono::seconds(10);

// A CaptureServer only routes three path segments.
inline std::string callback_url(std::uint16_t port, const std::string& name) {
  return "http://127.0.0.1:" + std::to_string(port) + "/cb/events/" + name;
}

// Features 1 (Notification_test_event) and 3 (Enhanced_event_report): event details are sent.
inline json subscription(const json& events, const std::string& destination) {
  return {{"events", events}, {"notificationDestination", destination}, {"supportedFeatures", "5"}};
}

inline std::string subscriptions_url(const CcfProcess& ccf, const std::string& subscriber) {
  return ccf.api_root() + "/capif-events/v1/" + subscriber + "/subscriptions";
}

// POSTs the subscription as `who`; returns the subscription id (throws on anything but 201).
std::string subscribe(const CcfProcess& ccf, Identity& who, const json& body);
// The last segment of a 201's Location.
std::string subscription_id(const http::ClientResponse& created);

// The EventNotification bodies a capture server received, in arrival order.
std::vector<json> notifications(const std::vector<CapturedRequest>& requests);
std::vector<json> wait_notifications(CaptureServer& server, std::size_t n,
                                     std::chrono::milliseconds timeout = kWait);

// GET /healthz .notifications (pending, delivered, failedAttempts, givenUp).
json notification_stats(const CcfProcess& ccf);
// Polls the stats until `pending` is n (delivered rows leave the outbox in batches) or the timeout passed.
json wait_pending(const CcfProcess& ccf, std::int64_t n,
                  std::chrono::milliseconds timeout = std::chrono::seconds(3));

json invocation_log(const std::string& aef_id, const std::string& invoker_id, const std::string& api_id,
                    const std::vector<std::string>& results);

}  // namespace capif::testing
