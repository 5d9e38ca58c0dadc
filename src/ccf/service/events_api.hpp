#pragma once
// CAPIF_Events_API service logic (TS 29.222 clause 5.4): subscriptions of invokers, AEFs, APFs and AMFs.
// The events themselves are emitted by the other services (capif_events.hpp) and fanned out by the store.
#include "capif/model/events_api.hpp"
#include "ccf/service/context.hpp"

namespace capif::ccf {

class EventsService {
 public:
  explicit EventsService(CcfContext ctx) : ctx_(ctx) {}

  // subscriberId must be the caller (403 otherwise). Returns the stored subscription with its id; its
  // supportedFeatures is the negotiated set.
  EventSubscriptionRecord subscribe(const Principal& caller, const std::string& subscriber_id,
                                    model::EventSubscription in);
  model::EventSubscription update(const Principal& caller, const std::string& subscriber_id,
                                  const std::string& subscription_id, model::EventSubscription in);
  model::EventSubscription patch(const Principal& caller, const std::string& subscriber_id,
                                 const std::string& subscription_id,
                                 const model::EventSubscriptionPatch& patch);
  void unsubscribe(const Principal& caller, const std::string& subscriber_id,
                   const std::string& subscription_id);

  // Before a websocket upgrade: the caller's own subscription, which asked for websocket delivery.
  void check_websocket(const Principal& caller, const std::string& subscriber_id,
                       const std::string& subscription_id) const;
  // Where the subscriber opens the websocket of a subscription: wss://<api_root authority>/...
  std::string websocket_uri(const std::string& subscriber_id, const std::string& subscription_id) const;

 private:
  void check_subscriber(const Principal& caller, const std::string& subscriber_id) const;
  EventSubscriptionRecord existing(const std::string& subscriber_id,
                                   const std::string& subscription_id) const;
  // Semantic checks beyond the schema; negotiates supportedFeatures in place.
  void validate(model::EventSubscription& sub, bool creating) const;
  // 403 naming each field that asks for what the subscriber is never sent (CcfStore::unreceivable).
  void check_receivable(const std::string& subscriber_id, const model::EventSubscription& sub) const;
  void set_websocket_uri(EventSubscriptionRecord& rec) const;
  // PUT/PATCH written onto the subscription as stored (404 when it is gone).
  model::EventSubscription stored_update(const EventSubscriptionRecord& rec) const;
  CcfContext ctx_;
};

}  // namespace capif::ccf
