#pragma once
// Invocation logs off the request path: calls append to a bounded queue (never blocking, never waiting for
// the CCF); a shipper coroutine posts batches as InvocationLog documents and retries with backoff.
#include "aef/ccf_client.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace capif::aef {

struct LogRecord {
  std::string invoker;
  // One TS 29.222 Log as serialised JSON (an object): written once on the request path and pasted into
  // the batch document as is, instead of a JSON tree per call that the shipper copies and serialises.
  std::string log;
};

// Appends s as a JSON string literal (quotes included). Invalid UTF-8 becomes U+FFFD, as the CCF would
// refuse the whole batch document otherwise.
void append_json_string(std::string& out, std::string_view s);

class LogQueue {
 public:
  explicit LogQueue(std::size_t limit) : limit_(limit) {}
  bool push(LogRecord r);  // false (and counted as dropped) when the queue is full
  std::vector<LogRecord> take(std::size_t max);
  std::size_t size() const;
  std::uint64_t dropped() const { return dropped_.load(); }

 private:
  mutable std::mutex mutex_;
  std::deque<LogRecord> q_;
  std::size_t limit_;
  std::atomic<std::uint64_t> dropped_{0};
};

class LogShipper {
 public:
  // An InvocationLog document stays under this many bytes (several are posted when a batch is larger), so
  // that a batch of long resource names never exceeds the CCF's request body limit (1 MiB by default).
  static constexpr std::size_t kMaxDocumentBytes = 256 * 1024;

  LogShipper(LogQueue& queue, CcfClient& ccf, std::string aef_id, std::size_t batch_size,
             std::chrono::milliseconds interval);
  // One round: takes a batch (or retries the pending one), posts one InvocationLog per invoker (more when
  // one would exceed kMaxDocumentBytes). Returns
  // true when nothing is left pending (all posted, or there was nothing to post).
  boost::asio::awaitable<bool> flush_once();
  // Rounds every interval (backoff doubling up to 30 s after a failure) until stop(); a last round on stop.
  boost::asio::awaitable<void> run();
  void stop() { stopping_ = true; }
  std::chrono::milliseconds next_delay() const { return delay_; }
  std::uint64_t delivered() const { return delivered_.load(); }
  std::size_t pending() const { return pending_.size(); }

 private:
  LogQueue& queue_;
  CcfClient& ccf_;
  std::string aef_id_;
  std::size_t batch_;
  std::chrono::milliseconds interval_, delay_;
  std::vector<LogRecord> pending_;  // taken from the queue, not yet accepted by the CCF
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> delivered_{0};
};

}  // namespace capif::aef
