// CAPIF_Events_API model, the fan-out rules of event_fanout.hpp and the notifications config section.
#include "capif/config/ccf_config.hpp"
#include "capif/model/events_api.hpp"
#include "ccf/store/event_fanout.hpp"

#include <gtest/gtest.h>

namespace {
using namespace capif;
using nlohmann::json;

std::optional<model::EventSubscription> parse(const json& j, InvalidParams& errs) {
  return model::parse_body<model::EventSubscription>(j, errs);
}

bool has_param(const InvalidParams& errs, const std::string& p) {
  return std::any_of(errs.begin(), errs.end(), [&](const auto& e) { return e.param == p; });
}

ccf::EventSubscriptionRecord record(const json& j) {
  InvalidParams errs;
  auto sub = parse(j, errs);
  EXPECT_TRUE(sub) << (errs.empty() ? "" : errs.front().param);
  return {"SUB1", "AMF1", *sub, 1000, 0};
}

ccf::EventOccurrence api_event(const std::string& event, const std::string& api, const std::string& aef) {
  ccf::EventOccurrence ev;
  ev.event = event;
  ev.api_ids = {api};
  ev.aef_ids = {aef};
  ev.detail.apiIds = ev.api_ids;
  return ev;
}

TEST(EventsModel, ParsesAndRoundTrips) {
  const json j{
      {"events", {"SERVICE_API_AVAILABLE", "API_INVOKER_ONBOARDED"}},
      {"eventFilters", {{{"apiIds", {"A"}}}, {{"apiInvokerIds", {"I"}}}}},
      {"eventReq", {{"immRep", true}, {"notifMethod", "PERIODIC"}, {"repPeriod", 5}, {"maxReportNbr", 3}}},
      {"notificationDestination", "https://cb.example/n"},
      {"supportedFeatures", "4"}};
  InvalidParams errs;
  auto sub = parse(j, errs);
  ASSERT_TRUE(sub);
  EXPECT_EQ(model::to_json(*sub), j);
}

TEST(EventsModel, NamesEachBadField) {
  InvalidParams errs;
  EXPECT_FALSE(parse({{"events", {"SERVICE_API_AVAILABLE", "BOGUS"}},
                      {"notificationDestination", "not a uri"},
                      {"eventReq", {{"notifMethod", "SOMETIMES"}, {"maxReportNbr", -2}}}},
                     errs));
  EXPECT_TRUE(has_param(errs, "/events/1"));
  EXPECT_TRUE(has_param(errs, "/notificationDestination"));
  EXPECT_TRUE(has_param(errs, "/eventReq/notifMethod"));
  EXPECT_TRUE(has_param(errs, "/eventReq/maxReportNbr"));
  errs.clear();
  EXPECT_FALSE(parse({{"notificationDestination", "https://x"}}, errs));
  EXPECT_TRUE(has_param(errs, "/events"));
}

TEST(EventsModel, PatchMerges) {
  auto rec = record({{"events", {"SERVICE_API_AVAILABLE"}}, {"notificationDestination", "https://a/n"}});
  InvalidParams errs;
  auto patch = model::parse_body<model::EventSubscriptionPatch>(
      json{{"notificationDestination", "https://b/n"}, {"eventFilters", {{{"aefIds", {"AEF1"}}}}}}, errs);
  ASSERT_TRUE(patch);
  auto merged = model::apply_patch(rec.sub, *patch, errs);
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->notificationDestination, "https://b/n");
  EXPECT_EQ(merged->events, rec.sub.events);
  ASSERT_TRUE(merged->eventFilters);
  EXPECT_EQ((*merged->eventFilters)[0].aefIds, std::vector<std::string>{"AEF1"});
}

TEST(EventFanout, FilterAtTheEventsIndexApplies) {
  auto rec = record({{"events", {"SERVICE_API_AVAILABLE", "SERVICE_API_UPDATE"}},
                     {"eventFilters", {{{"aefIds", {"AEF1"}}}, {{"apiIds", {"B"}}}}},
                     {"notificationDestination", "https://a/n"}});
  EXPECT_TRUE(ccf::subscription_matches(rec, api_event("SERVICE_API_AVAILABLE", "A", "AEF1"), 2000));
  EXPECT_FALSE(ccf::subscription_matches(rec, api_event("SERVICE_API_AVAILABLE", "A", "AEF2"), 2000));
  EXPECT_FALSE(ccf::subscription_matches(rec, api_event("SERVICE_API_UPDATE", "A", "AEF1"), 2000));
  EXPECT_TRUE(ccf::subscription_matches(rec, api_event("SERVICE_API_UPDATE", "B", "AEF2"), 2000));
  EXPECT_FALSE(ccf::subscription_matches(rec, api_event("SERVICE_API_UNAVAILABLE", "B", "AEF1"), 2000));
}

TEST(EventFanout, ReportLimitsAndPeriods) {
  auto rec = record({{"events", {"SERVICE_API_AVAILABLE"}},
                     {"eventReq", {{"maxReportNbr", 2}, {"monDur", "2100-01-01T00:00:00Z"}}},
                     {"notificationDestination", "https://a/n"}});
  const auto ev = api_event("SERVICE_API_AVAILABLE", "A", "AEF1");
  EXPECT_TRUE(ccf::subscription_matches(rec, ev, 2000));
  rec.reports = 2;
  EXPECT_FALSE(ccf::subscription_matches(rec, ev, 2000));
  rec.reports = 0;
  EXPECT_FALSE(ccf::subscription_matches(rec, ev, 4102444800000));  // at the end of monDur

  auto periodic = record({{"events", {"SERVICE_API_AVAILABLE"}},
                          {"eventReq", {{"notifMethod", "PERIODIC"}, {"repPeriod", 10}}},
                          {"notificationDestination", "https://a/n"}});
  EXPECT_EQ(ccf::report_time_ms(periodic, 1000), 11000);
  EXPECT_EQ(ccf::report_time_ms(periodic, 15000), 21000);
  EXPECT_EQ(ccf::report_time_ms(rec, 15000), 15000);
}

TEST(EventFanout, DetailOnlyWithEnhancedEventReport) {
  auto rec = record({{"events", {"SERVICE_API_AVAILABLE"}}, {"notificationDestination", "https://a/n"}});
  const auto ev = api_event("SERVICE_API_AVAILABLE", "A", "AEF1");
  auto plain = json::parse(ccf::event_message(rec, ev.event, ev.detail, 0).body);
  EXPECT_FALSE(plain.contains("eventDetail"));
  rec.sub.supportedFeatures = "4";
  auto m = ccf::event_message(rec, ev.event, ev.detail, 0);
  EXPECT_EQ(m.queue, "sub:SUB1");
  EXPECT_EQ(json::parse(m.body)["eventDetail"]["apiIds"], json::array({"A"}));
}

TEST(NotificationsConfig, StrictAndValidated) {
  const std::string base = "ccf: {id: c, api_root: https://h}\nlisten: {port: 1}\ndata_dir: d\n";
  auto cfg = config::ccf_config_from_string(
      base + "notifications: {timeout_ms: 200, retry_initial_ms: 10, retry_max_ms: 20, give_up_after_s: 5}\n",
      "/tmp");
  EXPECT_EQ(cfg.notifications.timeout_ms, 200);
  EXPECT_EQ(cfg.notifications.retry_max_ms, 20);
  EXPECT_EQ(cfg.notifications.give_up_after_s, 5);
  EXPECT_THROW(config::ccf_config_from_string(
                   base + "notifications: {retry_initial_ms: 100, retry_max_ms: 50}\n", "/tmp"),
               config::ConfigError);
  EXPECT_THROW(config::ccf_config_from_string(base + "notifications: {give_up_after: 5}\n", "/tmp"),
               config::ConfigError);
}

}  // namespace
