#include "capif/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>

namespace capif {
namespace {

std::string iso_time(spdlog::log_clock::time_point tp) {
  const auto t = spdlog::log_clock::to_time_t(tp);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count() % 1000;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

// JSON lines: every field escaped by nlohmann (invalid UTF-8 in a message is replaced, never thrown).
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto level = spdlog::level::to_string_view(msg.level);
    const auto line =
        json_log_line(iso_time(msg.time), std::string(level.data(), level.size()),
                      std::string(msg.logger_name.data(), msg.logger_name.size()),
                      std::string(msg.payload.data(), msg.payload.size()), current_request_id());
    dest.append(line.data(), line.data() + line.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

// %q in the text pattern: " rid=<id>" while a request is served, nothing otherwise. The formatter runs on
// the thread that logs (spdlog's sinks here are synchronous), so it sees that thread's request.
class RequestIdFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const auto& id = current_request_id();
    if (id.empty()) return;
    constexpr std::string_view prefix = " rid=";
    dest.append(prefix.data(), prefix.data() + prefix.size());
    dest.append(id.data(), id.data() + id.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<RequestIdFlag>(); }
};

}  // namespace

std::string json_log_line(const std::string& time, const std::string& level, const std::string& logger,
                          const std::string& message, const std::string& request_id) {
  nlohmann::ordered_json j{{"time", time}, {"level", level}, {"logger", logger}, {"msg", message}};
  if (!request_id.empty()) j["request_id"] = request_id;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::unique_ptr<spdlog::formatter> make_log_formatter(const std::string& format) {
  if (format == "json") return std::make_unique<JsonFormatter>();
  auto text = std::make_unique<spdlog::pattern_formatter>();
  text->add_flag<RequestIdFlag>('q').set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n] [%^%l%$] %v%q");
  return text;
}

void setup_daemon_logging(const std::string& name, const std::filesystem::path& file,
                          const std::string& level, const std::string& format) {
  std::shared_ptr<spdlog::logger> logger =
      file.empty() ? spdlog::stderr_color_mt(name) : spdlog::basic_logger_mt(name, file.string());
  logger->set_formatter(make_log_formatter(format));
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace capif
