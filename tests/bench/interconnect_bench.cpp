// Benchmark of CAPIF-6/6e forwarding with two real capif-ccf processes: latency (p50, p99) of security
// method negotiation and of token requests for an AEF of CCF-A itself versus an AEF served by CCF-B
// (forwarded over CAPIF-6), and the rate of forwarded token requests, with a check that forwarding reuses
// CCF-A's keep-alive connections to CCF-B (TLS handshakes to the peer do not grow with requests). Prints
// figures; exits 1 only on failed requests, never because of speed.
//
//   interconnect_bench [--requests N] [--connections N] [--seconds S]
#include "capif_parties.hpp"
#include "ccf_peers.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {
using namespace capif::testing;
using Clock = std::chrono::steady_clock;

struct Options {
  int requests = 300;  // sequential requests per latency measurement
  int connections = 4;
  double seconds = 5;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::cout << "usage: interconnect_bench [--requests N] [--connections N] [--seconds S]\n";
      std::exit(0);
    }
    if (i + 1 >= argc) throw std::invalid_argument("missing value for " + a);
    const std::string v = argv[++i];
    if (a == "--requests")
      o.requests = std::max(10, std::stoi(v));
    else if (a == "--connections")
      o.connections = std::max(1, std::stoi(v));
    else if (a == "--seconds")
      o.seconds = std::max(0.5, std::stod(v));
    else
      throw std::invalid_argument("unknown option " + a);
  }
  return o;
}

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

struct Latency {
  double p50 = 0, p99 = 0;
  int failures = 0;
};

Latency measure(int n, const std::function<bool()>& one) {
  std::vector<double> t;
  Latency out;
  for (int i = 0; i < n / 10; ++i) one();  // warm-up
  for (int i = 0; i < n; ++i) {
    const auto s = Clock::now();
    if (!one()) ++out.failures;
    t.push_back(ms(Clock::now() - s));
  }
  std::sort(t.begin(), t.end());
  out.p50 = t[t.size() / 2];
  out.p99 = t[std::min(t.size() - 1, t.size() * 99 / 100)];
  return out;
}

json peer_stats(const CcfProcess& ccf) {
  auto c = make_client(ccf);
  auto r = send(*c, "GET", ccf.api_root() + "/healthz");
  return body_json(r).value("peers", json::array());
}

}  // namespace

int main(int argc, char** argv) try {
  const Options opt = parse(argc, argv);
  CcfProcess a{{"ccf-a"}}, b{{"ccf-b"}};
  start_linked_pair(a, b);
  auto local = register_provider(a), remote = register_provider(b);
  auto api = [](const std::string& name, const std::string& aef, bool shareable) {
    auto j = service_api_body(name, aef);
    j["shareableInfo"] = {{"isShareable", shareable}};
    j["aefProfiles"][0]["securityMethods"] = {"PSK", "PKI", "OAUTH"};
    return j;
  };
  publish(a, local, api("local-api", local.aef.id, false));
  publish(b, remote, api("remote-api", remote.aef.id, true));
  auto inv = onboard_invoker(a);
  for (int i = 0; i < 200; ++i) {  // wait for CCF-B's publication to reach CCF-A
    auto r = send(*inv.client, "GET", discover_url(a, inv.id, "&api-name=remote-api"));
    if (r.body.find("remote-api") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::string trusted = a.api_root() + "/capif-security/v1/trustedInvokers/" + inv.id;
  auto negotiation = [&](const std::string& aef, const char* designated) {
    json e{{"aefId", aef}, {"prefSecurityMethods", {"OAUTH"}}};
    if (designated) e["designatedCcfId"] = designated;
    return json{{"securityInfo", json::array({e})}, {"notificationDestination", "https://127.0.0.1:1/n"}};
  };
  const json neg_local = negotiation(local.aef.id, nullptr), neg_remote = negotiation(remote.aef.id, "ccf-b");
  auto negotiate = [&](const json& body) { return send_json(*inv.client, "PUT", trusted, body).status == 201; };

  std::printf("interconnect_bench: CCF-A and CCF-B on loopback, %d sequential requests per latency figure\n",
              opt.requests);
  const auto nl = measure(opt.requests, [&] { return negotiate(neg_local); });
  const auto nr = measure(opt.requests, [&] { return negotiate(neg_remote); });

  // Both AEFs negotiated with OAUTH, then token requests for each.
  json both = neg_local;
  both["securityInfo"].push_back(neg_remote["securityInfo"][0]);
  if (send_json(*inv.client, "PUT", trusted, both).status != 201) throw std::runtime_error("negotiation failed");
  const std::string token_url = a.api_root() + "/capif-security/v1/securities/" + inv.id + "/token";
  auto form = [&](const std::string& aef, const std::string& name) {
    return "grant_type=client_credentials&client_id=" + inv.id + "&client_secret=" + inv.onboarding_secret +
           "&scope=3gpp%23" + aef + "%3A" + name;
  };
  const std::string form_local = form(local.aef.id, "local-api"), form_remote = form(remote.aef.id, "remote-api");
  auto token = [&](capif::http::BlockingClient& c, const std::string& f) {
    return send(c, "POST", token_url, f, "application/x-www-form-urlencoded").status == 200;
  };
  const auto tl = measure(opt.requests, [&] { return token(*inv.client, form_local); });
  const auto tr = measure(opt.requests, [&] { return token(*inv.client, form_remote); });

  // Throughput of forwarded token requests over several invoker connections.
  const auto before = peer_stats(a);
  std::atomic<long> done{0}, failed{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (int i = 0; i < opt.connections; ++i)
    workers.emplace_back([&] {
      auto c = make_client(a, inv.cert_pem, inv.key_pem);
      while (!stop) (token(*c, form_remote) ? done : failed)++;
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(opt.seconds));
  stop = true;
  for (auto& w : workers) w.join();
  const auto after = peer_stats(a);
  const double rate = static_cast<double>(done) / opt.seconds;
  const long hs_before = before.empty() ? 0 : before[0].value("tlsHandshakes", 0L);
  const long hs_after = after.empty() ? 0 : after[0].value("tlsHandshakes", 0L);

  std::printf("negotiation, local AEF          p50 %7.2f ms   p99 %7.2f ms\n", nl.p50, nl.p99);
  std::printf("negotiation, AEF of CCF-B       p50 %7.2f ms   p99 %7.2f ms   (+%.2f ms at p50)\n", nr.p50, nr.p99,
              nr.p50 - nl.p50);
  std::printf("token, local AEF                p50 %7.2f ms   p99 %7.2f ms\n", tl.p50, tl.p99);
  std::printf("token, AEF of CCF-B (forwarded) p50 %7.2f ms   p99 %7.2f ms   (+%.2f ms at p50)\n", tr.p50, tr.p99,
              tr.p50 - tl.p50);
  std::printf("forwarded tokens, %d connections  %8.0f tok/s over %.1f s\n", opt.connections, rate, opt.seconds);
  std::printf("CCF-A -> CCF-B TLS handshakes: %ld before the throughput run, %ld after (%ld new for %ld requests)\n",
              hs_before, hs_after, hs_after - hs_before, static_cast<long>(done));
  const int failures = nl.failures + nr.failures + tl.failures + tr.failures + static_cast<int>(failed);
  std::printf("failed requests: %d\n", failures);
  return failures == 0 ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "interconnect_bench: %s\n", e.what());
  return 2;
}
