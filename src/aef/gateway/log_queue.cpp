#include "aef/gateway/log_queue.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <map>

namespace capif::aef {

void append_json_string(std::string& out, std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
  });
  if (plain) {  // the usual case: printable ASCII needs no escaping
    out += '"';
    out += s;
    out += '"';
    return;
  }
  out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

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
  // One document per invoker (each invoker's records in order), split at kMaxDocumentBytes. The records
  // are already serialised: a document is their text joined, with no JSON tree built here.
  std::map<std::string, std::vector<std::size_t>> by_invoker;
  for (std::size_t i = 0; i < pending_.size(); ++i) by_invoker[pending_[i].invoker].push_back(i);
  std::vector<LogRecord> left;
  for (const auto& [invoker, indices] : by_invoker) {
    std::string head = "{\"aefId\":";
    append_json_string(head, aef_id_);
    head += ",\"apiInvokerId\":";
    append_json_string(head, invoker);
    head += ",\"logs\":[";
    bool failed = false;  // after a failed document, the invoker's later ones wait too (order kept)
    for (std::size_t from = 0; from < indices.size();) {
      std::size_t to = from;
      std::size_t bytes = head.size() + 2;
      while (to < indices.size() &&
             (to == from || bytes + pending_[indices[to]].log.size() + 1 <= kMaxDocumentBytes))
        bytes += pending_[indices[to++]].log.size() + 1;
      const auto count = to - from;
      auto keep = [&] {
        for (auto i = from; i < to; ++i) left.push_back(std::move(pending_[indices[i]]));
      };
      if (failed) {
        keep();
        from = to;
        continue;
      }
      std::string doc;
      doc.reserve(bytes);
      doc += head;
      for (auto i = from; i < to; ++i) {
        if (i != from) doc += ',';
        doc += pending_[indices[i]].log;
      }
      doc += "]}";
      auto reply = co_await ccf_.post_logs(std::move(doc));
      if (reply.ok()) {
        delivered_ += count;
      } else if (reply.error.empty() && reply.status >= 400 && reply.status < 500 && reply.status != 408 &&
                 reply.status != 429) {
        // 4xx other than 408/429: the CCF will never take this document; drop it instead of retrying
        // forever.
        spdlog::error("the CCF refused {} invocation log(s) of {}: {}", count, invoker, reply.describe());
      } else {
        spdlog::warn("posting invocation logs failed ({}); retrying", reply.describe());
        failed = true;
        keep();
      }
      from = to;
    }
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
