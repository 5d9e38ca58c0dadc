#include "ccf/service/events_api.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/http/uri.hpp"
#include "capif/model/auditing_api.hpp"
#include "ccf/service/capif_events.hpp"

#include <spdlog/spdlog.h>

namespace capif::ccf {

// websocketUri is an output of the CCF: whatever the subscriber put there is replaced.
void EventsService::set_websocket_uri(EventSubscriptionRecord& rec) const {
  auto& ws = rec.sub.websockNotifConfig;
  if (!ws) return;
  if (ws->requestWebsocketUri.value_or(false))
    ws->websocketUri = websocket_uri(rec.subscriber_id, rec.subscription_id);
  else
    ws->websocketUri.reset();
}

std::string EventsService::websocket_uri(const std::string& subscriber_id,
                                         const std::string& subscription_id) const {
  const std::string& root = ctx_.config.ccf.api_root;  // https://..., validated by the config reader
  return "wss://" + root.substr(8) + "/capif-events/v1/" + subscriber_id + "/subscriptions/" +
         subscription_id + "/websocket";
}

void EventsService::check_websocket(const Principal& caller, const std::string& subscriber_id,
                                    const std::string& subscription_id) const {
  check_subscriber(caller, subscriber_id);
  auto rec = existing(subscriber_id, subscription_id);
  if (!rec.sub.websockNotifConfig || !rec.sub.websockNotifConfig->requestWebsocketUri.value_or(false))
    throw ApiError::not_found("event subscription " + subscription_id +
                              " did not ask for websocket delivery");
}

void EventsService::check_subscriber(const Principal& caller, const std::string& subscriber_id) const {
  const bool may_subscribe = caller.kind == PrincipalKind::invoker || caller.kind == PrincipalKind::aef ||
                             caller.kind == PrincipalKind::apf || caller.kind == PrincipalKind::amf;
  // Another subscriber's id is refused whether it exists or not: nothing leaks.
  if (!may_subscribe || caller.id != subscriber_id)
    throw ApiError::forbidden("a subscriber may only manage its own event subscriptions");
}

EventSubscriptionRecord EventsService::existing(const std::string& subscriber_id,
                                                const std::string& subscription_id) const {
  auto rec = ctx_.store.subscription(subscription_id);
  // One whose monitoring duration ended is gone, even before the periodic sweep removes it.
  if (!rec || rec->subscriber_id != subscriber_id || subscription_expired(rec->sub, unix_now_ms()))
    throw ApiError::not_found("no event subscription " + subscription_id + " of " + subscriber_id);
  return *rec;
}

void EventsService::validate(model::EventSubscription& sub, bool creating) const {
  InvalidParams errs;
  // The answer's supportedFeatures is the intersection; attributes of a feature the subscriber did not
  // ask for are refused rather than silently ignored.
  const std::string asked = sub.supportedFeatures.value_or("0");
  const std::string agreed = model::intersect_features(asked, kEventsSupportedFeatures);
  const bool enhanced = model::supports_feature(agreed, kEnhancedEventReport);
  if (sub.eventFilters && !enhanced)
    errs.push_back({"/eventFilters", "needs the Enhanced_event_report feature (supportedFeatures bit 3)"});
  if (sub.eventReq && !enhanced)
    errs.push_back({"/eventReq", "needs the Enhanced_event_report feature (supportedFeatures bit 3)"});
  if (creating && sub.requestTestNotification.value_or(false) &&
      !model::supports_feature(agreed, kNotificationTestEvent))
    errs.push_back(
        {"/requestTestNotification", "needs the Notification_test_event feature (supportedFeatures bit 1)"});
  if (sub.websockNotifConfig && sub.websockNotifConfig->requestWebsocketUri.value_or(false) &&
      !model::supports_feature(agreed, kNotificationWebsocket))
    errs.push_back(
        {"/websockNotifConfig", "needs the Notification_websocket feature (supportedFeatures bit 2)"});
  if (sub.eventFilters && sub.eventFilters->size() != sub.events.size())
    errs.push_back({"/eventFilters", "must have one entry per entry of events (" +
                                         std::to_string(sub.events.size()) +
                                         "), entry N applying to events/N"});
  for (std::size_t i = 0; i < sub.events.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (sub.events[k] == sub.events[i]) errs.push_back({"/events/" + std::to_string(i), "is repeated"});
  if (auto url = http::parse_url(sub.notificationDestination); !url)
    errs.push_back({"/notificationDestination", "must be an http or https URL"});
  if (sub.eventReq) {
    const auto& r = *sub.eventReq;
    if (r.notifMethod == "PERIODIC" && r.repPeriod.value_or(0) <= 0)
      errs.push_back({"/eventReq/repPeriod", "is required and must be positive with notifMethod PERIODIC"});
    if (r.repPeriod && r.notifMethod != "PERIODIC")
      errs.push_back({"/eventReq/repPeriod", "is only meaningful with notifMethod PERIODIC"});
    if (r.monDur) {
      auto end = model::date_time_to_unix(*r.monDur);
      if (!end || *end <= unix_now_ms() / 1000) errs.push_back({"/eventReq/monDur", "must be in the future"});
    }
  }
  if (!errs.empty()) throw ApiError::bad_request("the event subscription is not valid", errs);
  sub.supportedFeatures = agreed;
}

// What the subscriber can never be sent is refused rather than silently never reported (docs/security.md).
void EventsService::check_receivable(const std::string& subscriber_id,
                                     const model::EventSubscription& sub) const {
  auto errs = ctx_.store.unreceivable(subscriber_id, sub);
  if (!errs.empty())
    throw ApiError(403, "Forbidden", "the subscription asks for events this subscriber is never sent",
                   "FORBIDDEN", std::move(errs));
}

EventSubscriptionRecord EventsService::subscribe(const Principal& caller, const std::string& subscriber_id,
                                                 model::EventSubscription in) {
  check_subscriber(caller, subscriber_id);
  validate(in, true);
  check_receivable(subscriber_id, in);
  EventSubscriptionRecord rec{crypto::random_id("SUB"), subscriber_id, std::move(in), unix_now_ms(), 0};
  set_websocket_uri(rec);
  // The test notification and immediate reports are built by the store under its write lock.
  const auto& ctx = ctx_;
  rec = ctx_.store.put_subscription(
      std::move(rec), [&ctx](const std::string& event) { return current_state_events(ctx, event); });
  spdlog::info("{} subscribed to {} events ({})", subscriber_id, rec.sub.events.size(), rec.subscription_id);
  return rec;
}

model::EventSubscription EventsService::update(const Principal& caller, const std::string& subscriber_id,
                                               const std::string& subscription_id,
                                               model::EventSubscription in) {
  check_subscriber(caller, subscriber_id);
  auto rec = existing(subscriber_id, subscription_id);
  validate(in, false);
  check_receivable(subscriber_id, in);
  in.requestTestNotification.reset();  // only acted upon at creation
  rec.sub = std::move(in);
  set_websocket_uri(rec);
  return stored_update(rec);
}

model::EventSubscription EventsService::patch(const Principal& caller, const std::string& subscriber_id,
                                              const std::string& subscription_id,
                                              const model::EventSubscriptionPatch& patch) {
  check_subscriber(caller, subscriber_id);
  auto rec = existing(subscriber_id, subscription_id);
  InvalidParams errs;
  auto merged = model::apply_patch(rec.sub, patch, errs);
  if (!merged) throw ApiError::bad_request("the patched event subscription is not valid", errs);
  validate(*merged, false);
  check_receivable(subscriber_id, *merged);
  rec.sub = std::move(*merged);
  set_websocket_uri(rec);
  return stored_update(rec);
}

// Onto the subscription as stored now: one that ended (maxReportNbr, monDur) or was deleted since it was
// read is not brought back, and the reports counted meanwhile are kept.
model::EventSubscription EventsService::stored_update(const EventSubscriptionRecord& rec) const {
  auto stored = ctx_.store.update_subscription(rec.subscriber_id, rec.subscription_id, rec.sub);
  if (!stored)
    throw ApiError::not_found("no event subscription " + rec.subscription_id + " of " + rec.subscriber_id);
  return stored->sub;
}

void EventsService::unsubscribe(const Principal& caller, const std::string& subscriber_id,
                                const std::string& subscription_id) {
  check_subscriber(caller, subscriber_id);
  existing(subscriber_id, subscription_id);
  ctx_.store.delete_subscription(subscription_id);
  spdlog::info("{} deleted event subscription {}", subscriber_id, subscription_id);
}

}  // namespace capif::ccf
