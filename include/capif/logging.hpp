#pragma once
// The daemons' logger: stderr or a file, text or JSON lines (log.format), one place for all three.
#include <filesystem>
#include <memory>
#include <string>

namespace spdlog {
class formatter;
}

namespace capif {

// What the logger adds to every line written while a request is being served: its X-Request-Id. The HTTP
// server gives each connection one LogContext (capif/log_executor.hpp makes it current whenever the
// connection's coroutine runs) and sets request_id from reading a request until its answer is written.
struct LogContext {
  std::string request_id;
};

// The context of the work running on this thread; nullptr outside any connection.
inline thread_local const LogContext* current_log_context = nullptr;

// Makes `ctx` this thread's context for the scope's lifetime and restores the previous one after (scopes
// nest: work run inline inside other work).
class LogContextScope {
 public:
  explicit LogContextScope(const LogContext* ctx) noexcept : previous_(current_log_context) {
    current_log_context = ctx;
  }
  ~LogContextScope() { current_log_context = previous_; }
  LogContextScope(const LogContextScope&) = delete;
  LogContextScope& operator=(const LogContextScope&) = delete;

 private:
  const LogContext* previous_;
};

// The request id of the work running on this thread; empty outside a request.
inline const std::string& current_request_id() {
  static const std::string none;
  return current_log_context ? current_log_context->request_id : none;
}

// format "text": spdlog's default pattern, ending with " rid=<id>" inside a request. "json": one object per
// line, {"time","level","logger","msg"} and "request_id" inside a request, for log shippers that should not
// parse free text. Installs the logger as spdlog's default.
void setup_daemon_logging(const std::string& name, const std::filesystem::path& file,
                          const std::string& level, const std::string& format);

// The line a JSON-format logger writes for one message (without the newline): for tests.
std::string json_log_line(const std::string& time, const std::string& level, const std::string& logger,
                          const std::string& message, const std::string& request_id = "");

// The formatter of a log.format ("text" or "json"), for setup_daemon_logging and tests with their own sinks.
std::unique_ptr<spdlog::formatter> make_log_formatter(const std::string& format);

}  // namespace capif
