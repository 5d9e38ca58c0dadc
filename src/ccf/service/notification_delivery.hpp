#pragma once
// Delivers the store's outbox (ccf/store/notices.hpp): one coroutine per queue sends its messages in
// order, retrying a failed one with exponential backoff until it is delivered or older than
// notifications.give_up_after_s (revocations, RevokeAuthorization and PeerRevocation, are never given up).
// Queues are independent, so a dead callback only holds back its own
// subscription. Runs on its own event loop thread: deliveries never compete with request handling, and a
// restart resumes every queue left in the store. Revocations for peer CCFs go over clients of its own (the
// Peers pools belong to the server's loop).
#include "ccf/service/context.hpp"

#include <nlohmann/json.hpp>

#include <memory>

namespace capif::ccf {

class NotificationDelivery {
 public:
  explicit NotificationDelivery(const CcfContext& ctx);  // registers itself as the outbox listener
  ~NotificationDelivery();
  NotificationDelivery(const NotificationDelivery&) = delete;
  NotificationDelivery& operator=(const NotificationDelivery&) = delete;

  void start();  // starts the thread and resumes every pending queue
  void stop();   // abandons attempts in flight (their messages stay in the store)
  // SIGHUP: later attempts present this certificate, and peers' current trust anchors and client
  // certificate files are read again (every client is rebuilt on its next use).
  void reload_tls(std::string cert_pem, std::string key_pem);
  // {"pending", "delivered", "failedAttempts", "givenUp"}: the outbox size and the counters, which are kept
  // in the store (they count since the database was created, across restarts); "pendingRevocations" and
  // "overdueRevocations" (older than give_up_after_s): revocations still in the outbox.
  nlohmann::json stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace capif::ccf
