#pragma once
// The daemons' logger: stderr or a file, text or JSON lines (log.format), one place for all three.
#include <filesystem>
#include <string>

namespace capif {

// format "text": spdlog's default pattern. "json": one object per line, {"time","level","logger","msg"},
// for log shippers that should not parse free text. Installs the logger as spdlog's default.
void setup_daemon_logging(const std::string& name, const std::filesystem::path& file,
                          const std::string& level, const std::string& format);

// The line a JSON-format logger writes for one message (without the newline): for tests.
std::string json_log_line(const std::string& time, const std::string& level, const std::string& logger,
                          const std::string& message);

}  // namespace capif
