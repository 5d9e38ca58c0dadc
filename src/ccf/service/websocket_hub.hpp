#pragma once
// The websockets subscribers opened for their event subscriptions (websockNotifConfig, TS 29.122 5.2.5.4):
// while one is open, notification_delivery sends that subscription's notifications over it instead of
// POSTing them to notificationDestination. Thread-safe.
#include "capif/http/websocket.hpp"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace capif::ccf {

class WebSocketHub {
 public:
  void attach(const std::string& subscription_id, std::shared_ptr<http::WebSocket> ws);
  void detach(const std::string& subscription_id, const http::WebSocket* ws);
  // The open websocket of the subscription, if any (the server keeps it alive while it is open).
  std::shared_ptr<http::WebSocket> find(const std::string& subscription_id) const;
  // The subscriptions with a websocket attached, and closing one (the subscription ended).
  std::vector<std::string> subscriptions() const;
  void close(const std::string& subscription_id);
  // Called after attach (to wake the subscription's queue).
  void set_listener(std::function<void(const std::vector<std::string>& queues)> fn);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::weak_ptr<http::WebSocket>> by_subscription_;
  std::function<void(const std::vector<std::string>&)> listener_;
};

}  // namespace capif::ccf
