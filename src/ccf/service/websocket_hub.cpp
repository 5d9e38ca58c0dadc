#include "ccf/service/websocket_hub.hpp"

namespace capif::ccf {

void WebSocketHub::attach(const std::string& subscription_id, std::shared_ptr<http::WebSocket> ws) {
  std::function<void(const std::vector<std::string>&)> listener;
  {
    std::lock_guard lock(mutex_);
    by_subscription_[subscription_id] = ws;  // a newer websocket replaces an older one
    listener = listener_;
  }
  if (listener) listener({"sub:" + subscription_id});
}

void WebSocketHub::detach(const std::string& subscription_id, const http::WebSocket* ws) {
  std::lock_guard lock(mutex_);
  auto it = by_subscription_.find(subscription_id);
  if (it == by_subscription_.end()) return;
  auto current = it->second.lock();
  if (!current || current.get() == ws) by_subscription_.erase(it);
}

std::shared_ptr<http::WebSocket> WebSocketHub::find(const std::string& subscription_id) const {
  std::lock_guard lock(mutex_);
  auto it = by_subscription_.find(subscription_id);
  if (it == by_subscription_.end()) return nullptr;
  auto ws = it->second.lock();
  if (!ws || !ws->open()) return nullptr;
  return ws;
}

std::vector<std::string> WebSocketHub::subscriptions() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  for (const auto& [id, ws] : by_subscription_) ids.push_back(id);
  return ids;
}

void WebSocketHub::close(const std::string& subscription_id) {
  std::shared_ptr<http::WebSocket> ws;
  {
    std::lock_guard lock(mutex_);
    auto it = by_subscription_.find(subscription_id);
    if (it == by_subscription_.end()) return;
    ws = it->second.lock();
    by_subscription_.erase(it);
  }
  if (ws) ws->close();
}

void WebSocketHub::set_listener(std::function<void(const std::vector<std::string>&)> fn) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(fn);
}

}  // namespace capif::ccf
