// Benchmark of CAPIF event notifications through a real capif-ccf and a real callback server: how many
// EventNotifications per second the outbox delivers to 1 and to 100 subscriptions, and whether callbacks
// that never answer slow the live ones. Prints figures; asserts nothing about speed.
//
//   events_bench [--events N] [--fanout-events N] [--dead N]
//
// Each scenario: a fresh CCF; the subscriptions point at a port where nothing listens yet, N APIs are
// published (each one SERVICE_API_AVAILABLE event per subscription, written to the outbox with the
// publication), then the callback server starts: "backlog" is the rate at which the queued notifications
// are delivered. "live" then publishes N more APIs with the callback up: publication to last delivery.
#include "capif_parties.hpp"
#include "black_hole.hpp"
#include "capture_server.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {
using namespace capif::testing;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

json sub_body(const std::string& url) {
  return {
      {"events", {"SERVICE_API_AVAILABLE"}}, {"notificationDestination", url}, {"supportedFeatures", "5"}};
}

std::string url(std::uint16_t port, const std::string& name) {
  return "http://127.0.0.1:" + std::to_string(port) + "/cb/events/" + name;
}

void scenario(const std::string& title, int subscribers, int events, int dead) {
  CcfOptions o;
  o.extra_yaml = "notifications:\n  timeout_ms: 2000\n  retry_initial_ms: 20\n  retry_max_ms: 100\n";
  CcfProcess ccf(o);
  ccf.start();
  auto prov = register_provider(ccf);
  const auto live_port = free_port();
  BlackHole hole;
  const std::string subs_url = ccf.api_root() + "/capif-events/v1/" + prov.amf.id + "/subscriptions";
  for (int i = 0; i < subscribers; ++i)
    if (send_json(*prov.amf.client, "POST", subs_url, sub_body(url(live_port, "s" + std::to_string(i))))
            .status != 201)
      throw std::runtime_error("subscribe failed");
  for (int i = 0; i < dead; ++i)
    if (send_json(*prov.amf.client, "POST", subs_url, sub_body(url(hole.port(), "d" + std::to_string(i))))
            .status != 201)
      throw std::runtime_error("subscribe failed");

  auto t = Clock::now();
  for (int i = 0; i < events; ++i) publish(ccf, prov, service_api_body("a" + std::to_string(i), prov.aef.id));
  const double publish_s = since(t);
  const std::size_t total = static_cast<std::size_t>(subscribers) * static_cast<std::size_t>(events);

  t = Clock::now();
  CaptureServer callback(live_port);
  callback.set_status(204);
  auto got = callback.wait_for(total, std::chrono::seconds(120)).size();
  const double backlog_s = since(t);

  t = Clock::now();
  for (int i = 0; i < events; ++i) publish(ccf, prov, service_api_body("b" + std::to_string(i), prov.aef.id));
  auto got2 = callback.wait_for(2 * total, std::chrono::seconds(120)).size();
  const double live_s = since(t);

  std::printf(
      "%-44s publish %6.0f API/s (%4.0f outbox rows/s) | backlog %6zu in %6.2f s = %7.0f notif/s | "
      "live %6zu in %6.2f s = %7.0f notif/s\n",
      title.c_str(), events / publish_s, (subscribers + dead) * events / publish_s, got, backlog_s,
      got / backlog_s, got2 - got, live_s, (got2 - got) / live_s);
  std::fflush(stdout);
}
}  // namespace

int main(int argc, char** argv) {
  int events = 2000, fanout_events = 50, dead = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--events")
      events = std::stoi(argv[i + 1]);
    else if (a == "--fanout-events")
      fanout_events = std::stoi(argv[i + 1]);
    else if (a == "--dead")
      dead = std::stoi(argv[i + 1]);
    else {
      std::cerr << "usage: events_bench [--events N] [--fanout-events N] [--dead N]\n";
      return 2;
    }
  }
  try {
    scenario("1 subscription", 1, events, 0);
    scenario("100 subscriptions", 100, fanout_events, 0);
    scenario("100 subscriptions + " + std::to_string(dead) + " black-holed", 100, fanout_events, dead);
  } catch (const std::exception& e) {
    std::cerr << "events_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
