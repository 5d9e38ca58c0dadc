#pragma once
// Which event subscriptions an EventOccurrence goes to, and when (TS 29.222 clause 8.3: eventFilters,
// eventReq). Pure functions: the store calls them under its write lock.
#include "ccf/store/notices.hpp"

#include <optional>

namespace capif::ccf {

// CAPIF_Events_API features (TS 29.222 table 8.3.6-1) and the ones this CCF supports.
inline constexpr int kNotificationTestEvent = 1;
inline constexpr int kNotificationWebsocket = 2;
inline constexpr int kEnhancedEventReport = 3;
inline constexpr const char* kEventsSupportedFeatures = "7";  // 1, 2 and 3

struct EventSubscriptionRecord {
  std::string subscription_id;
  std::string subscriber_id;
  model::EventSubscription sub;
  std::int64_t created_at_ms = 0;
  std::int64_t reports = 0;  // notifications written so far (maxReportNbr)
};

// The event is subscribed, the filter at its index (if any) accepts the occurrence, the monitoring
// duration has not ended and the maximum number of reports has not been reached.
bool subscription_matches(const EventSubscriptionRecord& rec, const EventOccurrence& ev, std::int64_t now_ms);
// The end of eventReq.monDur in unix seconds, if it has one.
std::optional<std::int64_t> monitoring_end_s(const model::EventSubscription& sub);
// eventReq.monDur has passed: the subscription has ended (it is removed, TS 29.222 clause 8.3).
bool subscription_expired(const model::EventSubscription& sub, std::int64_t now_ms);
// PERIODIC reporting: the next period boundary from the subscription's creation; else now (at once).
std::int64_t report_time_ms(const EventSubscriptionRecord& rec, std::int64_t now_ms);
// 0 = unlimited; ONE_TIME means one report.
std::int64_t max_reports(const model::EventSubscription& sub);
// The EventNotification message of an occurrence for that subscription.
OutboxMessage event_message(const EventSubscriptionRecord& rec, const std::string& event,
                            const std::optional<model::CAPIFEventDetail>& detail, std::int64_t now_ms);

}  // namespace capif::ccf
