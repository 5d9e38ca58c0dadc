// Websocket delivery (websockNotifConfig, TS 29.122 5.2.5.4) against the real capif-ccf: the subscriber
// opens the websocket the CCF named, notifications (also those that waited for it) arrive on it in order,
// nobody else may open it, and once it is closed notifications go to notificationDestination again.
#include "capif/http/websocket.hpp"
#include "../integration/problem_expect.hpp"
#include "capif/crypto/files.hpp"
#include "events_test_support.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace capif::testing;
using capif::http::BlockingWebSocket;
using capif::http::ClientConfig;

namespace {

ClientConfig config_for(const CcfProcess& ccf, const Identity& who) {
  ClientConfig c;
  c.ca_pem = ccf.ca_pem();
  c.client_cert_pem = who.cert_pem;
  c.client_key_pem = who.key_pem;
  c.connect_timeout = std::chrono::seconds(5);
  return c;
}

std::string next_api_id(BlockingWebSocket& ws) {
  auto text = ws.read(std::chrono::seconds(10));
  if (!text) return "<nothing>";
  return json::parse(*text)["eventDetail"]["apiIds"][0];
}

TEST(Websocket, NotificationsArriveOnTheSubscribersWebsocket) {
  CcfProcess ccf;
  ccf.start();
  auto prov = register_provider(ccf);
  CaptureServer callback;
  auto body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(callback.port(), "ws"));
  body["supportedFeatures"] = "7";
  body["websockNotifConfig"] = {{"requestWebsocketUri", true}, {"websocketUri", "wss://ignored.example/x"}};
  auto r = send_json(*prov.amf.client, "POST", subscriptions_url(ccf, prov.amf.id), body);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto answer = body_json(r);
  EXPECT_EQ(answer["supportedFeatures"], "7");
  const std::string uri = answer["websockNotifConfig"]["websocketUri"];
  EXPECT_EQ(uri, "wss://127.0.0.1:" + std::to_string(ccf.port()) + "/capif-events/v1/" + prov.amf.id +
                     "/subscriptions/" + subscription_id(r) + "/websocket");

  // Someone else may not open it; a plain GET is told to upgrade.
  BlockingWebSocket intruder(config_for(ccf, prov.apf));
  EXPECT_NE(intruder.connect(uri), "");
  std::string https = "https://" + uri.substr(6);
  EXPECT_PROBLEM(send(*prov.amf.client, "GET", https), 426);

  // Published while the websocket is open: there, in order, and not to the callback.
  BlockingWebSocket ws(config_for(ccf, prov.amf));
  ASSERT_EQ(ws.connect(uri), "");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(publish(ccf, prov, service_api_body("api" + std::to_string(i), prov.aef.id))["apiId"]);
  for (const auto& id : ids) EXPECT_EQ(next_api_id(ws), id);
  EXPECT_EQ(callback.wait_for(1, std::chrono::milliseconds(200)).size(), 0u);

  // Closed: back to notificationDestination.
  ws.close();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string last = publish(ccf, prov, service_api_body("after", prov.aef.id))["apiId"];
  auto n = wait_notifications(callback, 1);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0]["eventDetail"]["apiIds"][0], last);
}

TEST(Websocket, QueuedNotificationsFlowWhenTheWebsocketOpens) {
  CcfOptions o;
  o.extra_yaml = "notifications:\n  retry_initial_ms: 50\n  retry_max_ms: 200\n";
  CcfProcess ccf(o);
  ccf.start();
  auto prov = register_provider(ccf);
  auto body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(free_port(), "nobody"));  // unreachable
  body["supportedFeatures"] = "7";
  body["websockNotifConfig"] = {{"requestWebsocketUri", true}};
  auto r = send_json(*prov.amf.client, "POST", subscriptions_url(ccf, prov.amf.id), body);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string uri = body_json(r)["websockNotifConfig"]["websocketUri"];
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i)
    ids.push_back(publish(ccf, prov, service_api_body("api" + std::to_string(i), prov.aef.id))["apiId"]);
  BlockingWebSocket ws(config_for(ccf, prov.amf));
  ASSERT_EQ(ws.connect(uri), "");
  for (const auto& id : ids) EXPECT_EQ(next_api_id(ws), id);
}

// A subscription that ends (its last report, or a DELETE) does not leave its websocket open: the CCF closes
// it once the reports written before the end have left.
TEST(Websocket, TheWebsocketOfAnEndedSubscriptionIsClosed) {
  CcfProcess ccf;
  auto yaml = capif::crypto::read_file(ccf.config_file());  // info lines: the CCF says what it closed
  yaml.replace(yaml.find("  level: warn\n"), 14, "  level: info\n");
  capif::crypto::write_file_atomic(ccf.config_file(), yaml, false);
  ccf.start();
  auto prov = register_provider(ccf);
  auto open_subscription = [&](const json& event_req, BlockingWebSocket& ws) {
    auto body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(free_port(), "ws"));
    body["supportedFeatures"] = "7";
    body["websockNotifConfig"] = {{"requestWebsocketUri", true}};
    if (!event_req.is_null()) body["eventReq"] = event_req;
    auto r = send_json(*prov.amf.client, "POST", subscriptions_url(ccf, prov.amf.id), body);
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(ws.connect(body_json(r)["websockNotifConfig"]["websocketUri"]), "");
    return subscription_id(r);
  };
  auto closed_in_log = [&](const std::string& id) {
    const auto log = capif::crypto::read_file(ccf.dir() / "ccf.log");
    return log.find("subscription " + id + " ended: its websocket is closed") != std::string::npos;
  };

  BlockingWebSocket limited(config_for(ccf, prov.amf)), deleted(config_for(ccf, prov.amf));
  const auto limited_id = open_subscription({{"maxReportNbr", 2}}, limited);
  const auto deleted_id = open_subscription(nullptr, deleted);
  const std::string a = publish(ccf, prov, service_api_body("a", prov.aef.id))["apiId"];
  const std::string b = publish(ccf, prov, service_api_body("b", prov.aef.id))["apiId"];
  EXPECT_EQ(next_api_id(limited), a);
  EXPECT_EQ(next_api_id(limited), b);  // the second and last report still arrives, then the end
  EXPECT_FALSE(limited.read(std::chrono::seconds(5)).has_value());
  EXPECT_TRUE(closed_in_log(limited_id));

  EXPECT_EQ(next_api_id(deleted), a);
  EXPECT_EQ(next_api_id(deleted), b);
  EXPECT_FALSE(closed_in_log(deleted_id));  // still running: its websocket stays
  ASSERT_EQ(send(*prov.amf.client, "DELETE", subscriptions_url(ccf, prov.amf.id) + "/" + deleted_id).status,
            204);
  EXPECT_FALSE(deleted.read(std::chrono::seconds(5)).has_value());
  EXPECT_TRUE(closed_in_log(deleted_id));
}

TEST(Websocket, NeedsTheFeature) {
  CcfProcess ccf;
  ccf.start();
  auto prov = register_provider(ccf);
  auto body = subscription({"SERVICE_API_AVAILABLE"}, callback_url(1, "x"));
  body["websockNotifConfig"] = {{"requestWebsocketUri", true}};  // supportedFeatures "5": no bit 2
  EXPECT_PROBLEM(send_json(*prov.amf.client, "POST", subscriptions_url(ccf, prov.amf.id), body), 400,
                 "/websockNotifConfig");
}

}  // namespace
