// JSON log lines (log.format: json): one parseable object per message, whatever the message holds; the
// request id in the lines logged while a request is served.
#include "capif/logging.hpp"

#include "capif/log_executor.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

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

// A request id in every line logged while a connection's coroutine runs (capif/log_executor.hpp): two
// coroutines interleaved on one thread each log their own id, and nothing leaks to work outside them.
TEST(RequestIdLog, InterleavedCoroutinesEachLogTheirOwnId) {
  namespace asio = boost::asio;
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = std::make_shared<spdlog::logger>("rid-test", sink);
  logger->set_formatter(capif::make_log_formatter("json"));

  asio::io_context ioc;  // one thread: the coroutines take turns at every co_await
  std::vector<std::string> order;
  auto worker = [&](std::string name) -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      logger->info("{} {}", name, i);
      order.push_back(name);
      auto ex = co_await asio::this_coro::executor;
      co_await asio::post(ex, asio::use_awaitable);
    }
  };
  for (std::string name : {"a", "b"}) {
    auto ctx = std::make_shared<capif::LogContext>(capif::LogContext{"rid-" + name});
    capif::LogContextExecutor ex(asio::make_strand(ioc), ctx);
    asio::any_io_executor any = ex;  // what Beast and co_spawn see
    asio::co_spawn(any, worker(name), asio::detached);
  }
  asio::post(ioc, [&] { logger->info("outside"); });
  ioc.run();
  logger->info("after");

  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "a", "b", "a", "b"})) << "not interleaved";
  std::istringstream lines(out.str());
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    const auto j = nlohmann::json::parse(line);
    const std::string msg = j.at("msg");
    if (msg == "outside" || msg == "after")
      EXPECT_FALSE(j.contains("request_id")) << line;
    else
      EXPECT_EQ(j.value("request_id", ""), "rid-" + msg.substr(0, 1)) << line;
  }
  EXPECT_EQ(n, 8);
  EXPECT_EQ(capif::current_log_context, nullptr);
}

TEST(RequestIdLog, TextLinesEndWithTheRequestId) {
  std::ostringstream out;
  auto logger =
      std::make_shared<spdlog::logger>("rid-text", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  logger->set_formatter(capif::make_log_formatter("text"));
  capif::LogContext ctx{"abc-1"};
  {
    capif::LogContextScope scope(&ctx);
    logger->warn("inside");
  }
  logger->warn("outside");
  const auto text = out.str();
  EXPECT_NE(text.find("[warning] inside rid=abc-1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("[warning] outside\n"), std::string::npos) << text;
}
