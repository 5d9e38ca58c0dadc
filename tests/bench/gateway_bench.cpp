// Benchmark of the CAPIF-2e enforcement gateway: a real capif-ccf, a real capif-aef in front of an
// in-process plain-HTTP upstream, invokers onboarded and negotiated with the real capif-invoker CLI. Over
// N keep-alive connections it measures (a) the upstream directly, (b) OAuth-protected calls through the
// gateway, (c) TLS-PSK-protected calls through the gateway, (d) access tokens issued by the CCF. It prints
// figures and the gateway/direct ratios and asserts nothing about speed.
//
//   gateway_bench [--connections N] [--seconds S] [--aef-threads N] [--ccf-threads N] [--json FILE]
#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"
#include "capif/http/client.hpp"
#include "capif/http/server.hpp"
#include "capif_daemons.hpp"

#include <boost/asio.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {
namespace asio = boost::asio;
namespace http = capif::http;
namespace crypto = capif::crypto;
using namespace capif::testing;
using http::ClientConfig;
using http::ClientRequest;
using http::ClientResponse;
using http::HttpsClient;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Options {
  int connections = 8;
  double seconds = 5;
  int aef_threads = 2;
  int ccf_threads = 2;
  int upstream_delay_ms = 0;  // time the upstream takes per request, as a real service would
  std::string json_file;
};

void usage() {
  std::cout << "usage: gateway_bench [--connections N] [--seconds S] [--aef-threads N] [--ccf-threads N]\n"
               "                     [--json FILE]\n"
               "  --connections N   concurrent keep-alive connections per measurement (default 8)\n"
               "  --seconds S       duration of each measurement, after a 1 s warm-up (default 5)\n"
               "  --aef-threads N   capif-aef listen.threads (default 2)\n"
               "  --ccf-threads N   capif-ccf listen.threads (default 2)\n"
               "  --upstream-delay-ms N  the upstream answers after N ms (default 0: a no-op upstream)\n"
               "  --json FILE       also write the figures as JSON\n";
}

Options parse_options(int argc, char** argv) {
  Options o;
  auto integer = [](const std::string& flag, const std::string& v) {
    std::size_t pos = 0;
    int n = -1;
    try {
      n = std::stoi(v, &pos);
    } catch (...) {
      pos = 0;
    }
    if (pos != v.size() || n < 1 || n > 1024)
      throw std::invalid_argument(flag + " needs an integer in 1..1024, got '" + v + "'");
    return n;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      usage();
      std::exit(0);
    }
    if (i + 1 >= argc) throw std::invalid_argument("unknown option or missing value: " + a);
    const std::string v = argv[++i];
    if (a == "--connections") {
      o.connections = integer(a, v);
    } else if (a == "--aef-threads") {
      o.aef_threads = integer(a, v);
    } else if (a == "--ccf-threads") {
      o.ccf_threads = integer(a, v);
    } else if (a == "--upstream-delay-ms") {
      o.upstream_delay_ms = integer(a, v);
    } else if (a == "--seconds") {
      try {
        o.seconds = std::stod(v);
      } catch (...) {
        o.seconds = -1;
      }
      if (!(o.seconds > 0 && o.seconds <= 3600))
        throw std::invalid_argument("--seconds needs a value in (0, 3600]");
    } else if (a == "--json") {
      o.json_file = v;
    } else {
      throw std::invalid_argument("unknown option: " + a);
    }
  }
  return o;
}

// ---------------------------------------------------------------------------------------------------
// Closed-loop load: N coroutines on one io_context, each with its own keep-alive HttpsClient (one
// connection each), issuing the same request back to back for a fixed time.

struct Result {
  std::string name, unit = "req/s";
  int connections = 0;
  bool tls = true;
  std::size_t count = 0, errors = 0, new_connections = 0, handshakes = 0;
  double rate = 0, p50_ms = 0, p99_ms = 0;
  std::string first_error;
};

struct Phase {
  Clock::time_point end;
  bool record = false;
  std::vector<double> latencies_ms;
  std::size_t errors = 0, new_connections = 0;
  std::string first_error;
};

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

asio::awaitable<void> worker(HttpsClient& client, const ClientRequest& proto, int expected, Phase& ph) {
  while (Clock::now() < ph.end) {
    const auto t0 = Clock::now();
    ClientResponse resp = co_await client.request(proto);
    const auto t1 = Clock::now();
    if (!resp.reused_connection && resp.ok()) ++ph.new_connections;
    if (t1 > ph.end) break;  // finished outside the window: not counted
    if (!resp.ok() || resp.status != expected) {
      if (++ph.errors == 1)
        ph.first_error =
            resp.ok() ? "HTTP " + std::to_string(resp.status) + " " + resp.body.substr(0, 300) : resp.error;
      continue;
    }
    ph.latencies_ms.push_back(ph.record ? std::chrono::duration<double, std::milli>(t1 - t0).count() : 0);
  }
}

Result run_load(const std::string& name, const std::string& unit, const ClientConfig& config,
                const ClientRequest& request, int expected, const Options& o) {
  asio::io_context ioc;
  std::vector<std::unique_ptr<HttpsClient>> clients;
  for (int i = 0; i < o.connections; ++i)
    clients.push_back(std::make_unique<HttpsClient>(ioc.get_executor(), config));
  auto phase = [&](Phase& ph, double seconds) {
    ph.end =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    for (auto& c : clients) asio::co_spawn(ioc, worker(*c, request, expected, ph), asio::detached);
    ioc.restart();
    ioc.run();
  };
  Phase warm, meas;
  phase(warm, 1.0);
  meas.record = true;
  const auto start = Clock::now();
  phase(meas, o.seconds);
  const double window = std::chrono::duration<double>(meas.end - start).count();

  Result r;
  r.name = name;
  r.unit = unit;
  r.connections = o.connections;
  r.tls = !config.allow_plain_http;
  r.count = meas.latencies_ms.size();
  r.errors = warm.errors + meas.errors;
  r.first_error = warm.first_error.empty() ? meas.first_error : warm.first_error;
  r.new_connections = warm.new_connections + meas.new_connections;
  std::sort(meas.latencies_ms.begin(), meas.latencies_ms.end());
  r.rate = window > 0 ? static_cast<double>(r.count) / window : 0;
  r.p50_ms = percentile(meas.latencies_ms, 0.50);
  r.p99_ms = percentile(meas.latencies_ms, 0.99);
  for (const auto& c : clients) r.handshakes += c->handshakes();
  return r;
}

bool reused_ok(const Result& r) {
  const auto n = static_cast<std::size_t>(r.connections);
  return r.new_connections == n && (!r.tls || r.handshakes == n);
}

void print_result(const Result& r) {
  std::printf("%-38s %-6s %8.0f   p50 %6.2f ms   p99 %6.2f ms   conns %2d  new conns %2zu  handshakes %s\n",
              r.name.c_str(), r.unit.c_str(), r.rate, r.p50_ms, r.p99_ms, r.connections, r.new_connections,
              r.tls ? std::to_string(r.handshakes).c_str() : "- (plain)");
  if (!reused_ok(r)) std::printf("  !! connections were NOT all reused\n");
  if (r.errors) std::printf("  !! %zu failed requests; first: %s\n", r.errors, r.first_error.c_str());
  std::fflush(stdout);
}

json result_json(const Result& r) {
  return {{"name", r.name},
          {"unit", r.unit},
          {"rate", r.rate},
          {"p50_ms", r.p50_ms},
          {"p99_ms", r.p99_ms},
          {"count", r.count},
          {"errors", r.errors},
          {"connections", r.connections},
          {"new_connections", r.new_connections},
          {"handshakes", r.handshakes}};
}

std::string form_escape(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// One invoker (CLI state directory) that negotiated `method` for the API at the AEF.
InvokerCli negotiated_invoker(const CcfProcess& ccf, const AefProcess& aef, const std::string& method) {
  InvokerCli inv(ccf);
  auto check = [&](const InvokerCli::Result& r, const std::string& what) {
    if (r.status != 0) throw std::runtime_error(what + " failed: " + r.raw);
  };
  check(inv.onboard(), "onboard");
  check(inv.run("discover", "--api-name weather"), "discover");
  check(inv.run("security", "--aef-id " + aef.aef_id() + " --methods " + method), "security " + method);
  // One call through the CLI: for PSK it also makes the AEF fetch the invoker's AEFPSK
  // (check-authentication).
  check(inv.run("call", "--api-name weather --path /hello"), "call " + method);
  return inv;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    o = parse_options(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    usage();
    return 2;
  }
  try {
    // The upstream service: plain HTTP, one trivial route, in this process.
    http::Router router;
    http::RouteOptions open;
    open.auth = http::ClientAuth::optional;  // plain HTTP: no client certificate to ask for
    const auto delay = std::chrono::milliseconds(o.upstream_delay_ms);
    router.add(
        "GET", "/hello",
        [delay](http::RequestContext&) -> asio::awaitable<http::Response> {
          if (delay.count() > 0) {
            asio::steady_timer t(co_await asio::this_coro::executor, delay);
            co_await t.async_wait(asio::use_awaitable);
          }
          co_return http::Response::json(200, R"({"hello":"world"})");
        },
        open);
    http::ServerConfig up_cfg;
    up_cfg.port = 0;
    up_cfg.threads = 1;
    up_cfg.plaintext = true;
    up_cfg.handle_signals = false;
    http::Server upstream(up_cfg, std::move(router), [](const http::TlsInfo&) { return capif::Principal{}; });
    const auto up_port = upstream.listen();
    std::thread up_thread([&] { upstream.run(); });
    struct Joiner {
      http::Server& s;
      std::thread& t;
      ~Joiner() {
        s.stop();
        if (t.joinable()) t.join();
      }
    } joiner{upstream, up_thread};
    const std::string up_url = "http://127.0.0.1:" + std::to_string(up_port);

    CcfProcess ccf({.threads = o.ccf_threads});
    ccf.start();
    AefProcess aef(ccf, {.upstream_url = up_url});
    {
      // listen.threads comes from the generated config (2); --aef-threads rewrites it.
      const auto cfg = aef.dir() / "aef.yaml";
      std::string text = crypto::read_file(cfg);
      auto pos = text.find("  threads: 2\n");
      if (pos != std::string::npos)
        text.replace(pos, 13, "  threads: " + std::to_string(o.aef_threads) + "\n");
      crypto::write_file_atomic(cfg, text, false);
    }
    aef.start();
    std::printf(
        "capif-ccf :%u (%d threads), capif-aef :%u (%d threads), upstream %s (1 thread); "
        "%d keep-alive connections, %.1f s each after a 1 s warm-up\n",
        ccf.port(), o.ccf_threads, aef.port(), o.aef_threads, up_url.c_str(), o.connections, o.seconds);

    InvokerCli oauth_inv = negotiated_invoker(ccf, aef, "OAUTH");
    InvokerCli psk_inv = negotiated_invoker(ccf, aef, "PSK");
    const std::string aef_id = aef.aef_id(), scope = "3gpp#" + aef_id + ":weather";
    auto tok = oauth_inv.run("token", "--scope '" + scope + "'");
    if (tok.status != 0 || !tok.out.contains("access_token")) throw std::runtime_error("token: " + tok.raw);
    const std::string token = tok.out["access_token"];

    const auto& st = oauth_inv.state();
    const std::string ca = ccf.ca_pem();
    const std::string oauth_id = oauth_inv.invoker_id();
    std::vector<Result> results;

    // (a) the upstream directly.
    ClientConfig plain;
    plain.allow_plain_http = true;
    plain.ca_pem = ca;
    results.push_back(
        run_load("direct upstream (plain HTTP)", "req/s", plain, {.url = up_url + "/hello"}, 200, o));
    print_result(results.back());

    // (b) OAuth: server-authenticated TLS + Bearer token.
    ClientConfig tls;
    tls.ca_pem = ca;
    tls.expected_server_cn = aef_id;
    tls.verify_host = false;
    ClientRequest oauth_req{.url = aef.base_url() + "/weather/hello",
                            .headers = {{"Authorization", "Bearer " + token}}};
    results.push_back(run_load("gateway OAuth (TLS + Bearer)", "req/s", tls, oauth_req, 200, o));
    print_result(results.back());

    // (c) TLS-PSK with the AEFPSK the invoker derived (identity = apiInvokerId).
    auto psk = json::parse(crypto::read_file(psk_inv.state() / "aefpsk.json"));
    ClientConfig psk_cfg;
    psk_cfg.ca_pem = ca;
    psk_cfg.verify_host = false;
    psk_cfg.psk_identity = psk_inv.invoker_id();
    psk_cfg.psk_key = crypto::base64_decode(psk.at(aef_id).at("key").get<std::string>());
    results.push_back(
        run_load("gateway TLS-PSK", "req/s", psk_cfg, {.url = aef.base_url() + "/weather/hello"}, 200, o));
    print_result(results.back());

    // (d) tokens issued by the CCF over keep-alive mutual TLS.
    ClientConfig mtls;
    mtls.ca_pem = ca;
    mtls.client_cert_pem = crypto::read_file(st / "invoker.crt");
    mtls.client_key_pem = crypto::read_file(st / "invoker.key");
    std::string secret = crypto::read_file(st / "onboarding_secret");
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    ClientRequest token_req{.method = "POST",
                            .url = ccf.api_root() + "/capif-security/v1/securities/" + oauth_id + "/token",
                            .body = "grant_type=client_credentials&client_id=" + form_escape(oauth_id) +
                                    "&client_secret=" + form_escape(secret) + "&scope=" + form_escape(scope),
                            .content_type = "application/x-www-form-urlencoded"};
    results.push_back(run_load("CCF token issuance (mTLS)", "tok/s", mtls, token_req, 200, o));
    print_result(results.back());

    const double direct = results[0].rate;
    const double r_oauth = direct > 0 ? results[1].rate / direct : 0;
    const double r_psk = direct > 0 ? results[2].rate / direct : 0;
    bool all_reused = true;
    std::size_t failed = 0;
    for (const auto& r : results) {
      all_reused = all_reused && reused_ok(r);
      failed += r.errors;
    }
    std::printf("gateway OAuth / direct   = %.2f (target >= 0.6: %s)\n", r_oauth,
                r_oauth >= 0.6 ? "met" : "NOT met");
    std::printf("gateway TLS-PSK / direct = %.2f (target >= 0.6: %s)\n", r_psk,
                r_psk >= 0.6 ? "met" : "NOT met");
    std::printf("handshakes == connections (one connection each, all reused): %s; failed requests: %zu\n",
                all_reused ? "yes" : "NO", failed);
    if (!o.json_file.empty()) {
      json j{{"connections", o.connections}, {"seconds", o.seconds},
             {"results", json::array()},     {"ratio_oauth_direct", r_oauth},
             {"ratio_psk_direct", r_psk},    {"all_connections_reused", all_reused}};
      for (const auto& r : results) j["results"].push_back(result_json(r));
      std::ofstream(o.json_file) << j.dump(2) << "\n";
    }
    return failed == 0 && all_reused ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "gateway_bench: " << e.what() << "\n";
    return 1;
  }
}
