// JSON log lines (log.format: json): one parseable object per message, whatever the message holds.
#include "capif/logging.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

TEST(JsonLog, EscapesQuotesNewlinesAndInvalidUtf8) {
  const std::string msg = "peer \"ccf-b\"\nsaid \xff no";
  const auto line = capif::json_log_line("2026-01-01T00:00:00.000Z", "warning", "capif-ccf", msg);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j.at("level"), "warning");
  EXPECT_EQ(j.at("logger"), "capif-ccf");
  EXPECT_EQ(j.at("time"), "2026-01-01T00:00:00.000Z");
  EXPECT_TRUE(j.at("msg").get<std::string>().starts_with("peer \"ccf-b\"\nsaid ")) << line;
  EXPECT_EQ(line.rfind("{\"time\":", 0), 0u) << "fields keep their order: " << line;
}
