#include "aef/gateway/log_queue.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>

namespace capif::aef {

bool LogQueue::push(LogRecord r) {
  std::lock_guard lock(mutex_);
  if (q_.size() >= limit_) {
    ++dropped_;
    return false;
  }
  q_.push_back(std::move(r));
  return true;
}

std::vector<LogRecord> LogQueue::take(std::size_t max) {
  std::lock_guard lock(mutex_);
  std::vector<LogRecord> out;
  while (!q_.empty() && out.size() < max) {
    out.push_back(std::move(q_.front()));
    q_.pop_front();
  }
  return out;
}

std::size_t LogQueue::size() const {
  std::lock_guard lock(mutex_);
  return q_.size();
}

LogShipper::LogShipper(LogQueue& queue, CcfClient& ccf, std::string aef_id, std::size_t batch_size,
                       std::chrono::milliseconds interval)
    : queue_(queue),
      ccf_(ccf),
      aef_id_(std::move(aef_id)),
      batch_(batch_size),
      interval_(interval),
      delay_(interval) {}

boost::asio::awaitable<bool> LogShipper::flush_once() {
  if (pending_.empty()) pending_ = queue_.take(batch_);
  if (pending_.empty()) {
    delay_ = interval_;
    co_return true;
  }
  std::map<std::string, nlohmann::json> by_invoker;  // keeps each invoker's records in order
  for (auto& r : pending_) {
    auto& doc = by_invoker[r.invoker];
    if (doc.is_null())
      doc = {{"aefId", aef_id_}, {"apiInvokerId", r.invoker}, {"logs", nlohmann::json::array()}};
    doc["logs"].push_back(r.log);
  }
  std::vector<LogRecord> left;
  for (auto& [invoker, doc] : by_invoker) {
    auto reply = co_await ccf_.post_logs(doc);
    if (reply.ok()) {
      delivered_ += doc["logs"].size();
      continue;
    }
    // 4xx other than 408/429: the CCF will never take this document; drop it instead of retrying forever.
    if (reply.error.empty() && reply.status >= 400 && reply.status < 500 && reply.status != 408 &&
        reply.status != 429) {
      spdlog::error("the CCF refused {} invocation log(s) of {}: {}", doc["logs"].size(), invoker,
                    reply.describe());
      continue;
    }
    spdlog::warn("posting invocation logs failed ({}); retrying", reply.describe());
    for (auto& r : pending_)
      if (r.invoker == invoker) left.push_back(std::move(r));
  }
  pending_ = std::move(left);
  if (pending_.empty()) {
    delay_ = interval_;
    co_return true;
  }
  delay_ =
      std::min<std::chrono::milliseconds>(delay_ * 2, std::max(interval_, std::chrono::milliseconds(30000)));
  co_return false;
}

boost::asio::awaitable<void> LogShipper::run() {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  while (!stopping_) {
    // Sleep in short steps so stop() is noticed quickly.
    auto until = std::chrono::steady_clock::now() + delay_;
    while (!stopping_ && std::chrono::steady_clock::now() < until) {
      timer.expires_after(std::min<std::chrono::steady_clock::duration>(
          until - std::chrono::steady_clock::now(), std::chrono::milliseconds(100)));
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
    bool done = co_await flush_once();
    // Drain a backlog without waiting a whole interval per batch.
    while (done && !stopping_ && queue_.size() >= batch_) done = co_await flush_once();
  }
  for (int i = 0; i < 100 && (queue_.size() > 0 || !pending_.empty()); ++i)
    if (!co_await flush_once()) break;
}

}  // namespace capif::aef
