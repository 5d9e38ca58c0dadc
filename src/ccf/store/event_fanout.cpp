#include "ccf/store/event_fanout.hpp"

#include "capif/model/auditing_api.hpp"

#include <algorithm>
#include <chrono>

namespace capif::ccf {
namespace {
// A filter attribute only applies to events that carry that kind of id (an apiIds filter does not
// hide API_INVOKER_ONBOARDED, which names no API); when it applies, one common id is enough.
bool accepts(const std::optional<std::vector<std::string>>& filter, const std::vector<std::string>& ids) {
  if (!filter || ids.empty()) return true;
  return std::any_of(ids.begin(), ids.end(), [&](const auto& id) {
    return std::find(filter->begin(), filter->end(), id) != filter->end();
  });
}
}  // namespace

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t max_reports(const model::EventSubscription& sub) {
  if (!sub.eventReq) return 0;
  if (sub.eventReq->notifMethod == "ONE_TIME") return 1;
  return sub.eventReq->maxReportNbr.value_or(0);
}

std::optional<std::int64_t> monitoring_end_s(const model::EventSubscription& sub) {
  if (!sub.eventReq || !sub.eventReq->monDur) return std::nullopt;
  return model::date_time_to_unix(*sub.eventReq->monDur);
}

bool subscription_expired(const model::EventSubscription& sub, std::int64_t now_ms) {
  auto end = monitoring_end_s(sub);
  return end && now_ms / 1000 >= *end;
}

bool subscription_matches(const EventSubscriptionRecord& rec, const EventOccurrence& ev,
                          std::int64_t now_ms) {
  const auto& s = rec.sub;
  const auto it = std::find(s.events.begin(), s.events.end(), ev.event);
  if (it == s.events.end()) return false;
  if (subscription_expired(s, now_ms)) return false;
  if (const auto max = max_reports(s); max > 0 && rec.reports >= max) return false;
  if (s.eventFilters) {
    const auto index = static_cast<std::size_t>(it - s.events.begin());
    if (index < s.eventFilters->size()) {
      const auto& f = (*s.eventFilters)[index];
      if (!accepts(f.apiIds, ev.api_ids) || !accepts(f.apiInvokerIds, ev.invoker_ids) ||
          !accepts(f.aefIds, ev.aef_ids))
        return false;
    }
  }
  return true;
}

std::int64_t report_time_ms(const EventSubscriptionRecord& rec, std::int64_t now_ms) {
  const auto& req = rec.sub.eventReq;
  if (!req || req->notifMethod != "PERIODIC" || !req->repPeriod || *req->repPeriod <= 0) return now_ms;
  const std::int64_t period = *req->repPeriod * 1000;
  const std::int64_t elapsed = std::max<std::int64_t>(0, now_ms - rec.created_at_ms);
  return rec.created_at_ms + (elapsed / period + 1) * period;
}

OutboxMessage event_message(const EventSubscriptionRecord& rec, const std::string& event,
                            const std::optional<model::CAPIFEventDetail>& detail, std::int64_t now_ms) {
  model::EventNotification n{rec.subscription_id, event, detail};
  // eventDetail belongs to feature 3 (Enhanced_event_report): only sent when it was negotiated.
  if (!model::supports_feature(rec.sub.supportedFeatures.value_or("0"), kEnhancedEventReport))
    n.eventDetail.reset();
  OutboxMessage m;
  m.queue = "sub:" + rec.subscription_id;
  m.kind = "EventNotification";
  m.url = rec.sub.notificationDestination;
  m.body = model::to_json(n).dump();
  m.allow_plain_http = true;  // a subscriber's sidecar may listen on plain HTTP on loopback
  m.not_before_ms = report_time_ms(rec, now_ms);
  m.subscriber_id = rec.subscriber_id;
  return m;
}

}  // namespace capif::ccf
