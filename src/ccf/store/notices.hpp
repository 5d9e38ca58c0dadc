#pragma once
// What a change to the registry must tell others: CAPIFEvents (fanned out to the matching event
// subscriptions) and direct messages (SecurityNotification, revoke-authorization). The store writes them
// to its outbox in the same SQLite transaction as the change, so a notification is never lost and never
// sent for a change that was rolled back; notification_delivery then sends them.
#include "capif/model/events_api.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace capif::ccf {

// A CAPIFEvent as it happened: its detail and the ids the subscriptions' eventFilters look at.
struct EventOccurrence {
  model::CAPIFEvent event;
  model::CAPIFEventDetail detail;
  std::vector<std::string> api_ids, invoker_ids, aef_ids;
};

// One outbound message. Messages of one queue are delivered one at a time in the order they were
// written; queues are independent, so one dead callback only holds back its own queue.
struct OutboxMessage {
  std::string queue;  // "sub:<subscriptionId>", "inv:<apiInvokerId>", "aef:<aefId>"
  std::string kind;   // EventNotification, SecurityNotification, RevokeAuthorization (logs, counters)
  std::string url;
  std::string body;                // JSON
  std::string server_cn;           // the server certificate must have this CN (an AEF), else empty
  bool allow_plain_http = false;   // an invoker's or subscriber's loopback sidecar
  std::int64_t not_before_ms = 0;  // unix ms; periodic reporting holds a notification until then
  std::string subscriber_id;       // an EventNotification's subscriber: its rows leave with it
};

struct StoredOutboxMessage : OutboxMessage {
  std::int64_t seq = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t attempts = 0;
};

struct Notices {
  std::vector<EventOccurrence> events;
  std::vector<OutboxMessage> messages;
  bool empty() const { return events.empty() && messages.empty(); }
};

std::int64_t unix_now_ms();

}  // namespace capif::ccf
