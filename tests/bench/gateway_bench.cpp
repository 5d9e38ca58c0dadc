// Benchmark of the CAPIF-2e enforcement gateway: a real capif-ccf, a real capif-aef in front of an
// in-process plain-HTTP upstream, invokers onboarded and negotiated with the real capif-invoker CLI. Over
// keep-alive connections it measures, once with a no-op upstream and once with an upstream that takes
// 1 ms per request (a realistic service): (a) the upstream directly, (b) OAuth-protected calls through
// the gateway, (c) TLS-PSK-protected calls through the gateway; then (d) access tokens issued by the
// CCF. It prints req/s, latencies, the CPU time each process spent per request, and the gateway/direct
// ratios; it asserts nothing about speed.
//
//   gateway_bench [--connections N] [--delay-connections N] [--upstream-delay-ms N] [--seconds S]
//                 [--aef-threads N] [--ccf-threads N] [--json FILE]
#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"
#include "capif/http/client.hpp"
#include "capif/http/server.hpp"
#include "capif_daemons.hpp"

#include <boost/asio.hpp>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
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
  int connections = 8;  // no-op upstream scenario
  double seconds = 5;
  int aef_threads = 2;
  int ccf_threads = 2;
  // The second scenario: the upstream takes this long per request, as a real service would; with a
  // 1 ms service 8 connections would leave the machine idle, so it gets more of them.
  int upstream_delay_ms = 1;
  int delay_connections = 16;
  std::string json_file;
};

void usage() {
  std::cout
      << "usage: gateway_bench [--connections N] [--delay-connections N] [--upstream-delay-ms N]\n"
         "                     [--seconds S] [--aef-threads N] [--ccf-threads N] [--json FILE]\n"
         "  --connections N        keep-alive connections, no-op upstream and token issuance (default 8)\n"
         "  --delay-connections N  keep-alive connections with the slow upstream (default 16)\n"
         "  --upstream-delay-ms N  the second scenario's upstream answers after N ms (default 1;\n"
         "                         0 skips that scenario)\n"
         "  --seconds S            duration of each measurement, after a 1 s warm-up (default 5)\n"
         "  --aef-threads N        capif-aef listen.threads (default 2)\n"
         "  --ccf-threads N        capif-ccf listen.threads (default 2)\n"
         "  --json FILE            also write the figures as JSON\n";
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
    const int min = flag == "--upstream-delay-ms" ? 0 : 1;
    if (pos != v.size() || n < min || n > 1024)
      throw std::invalid_argument(flag + " needs an integer in " + std::to_string(min) + "..1024, got '" + v +
                                  "'");
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
    } else if (a == "--delay-connections") {
      o.delay_connections = integer(a, v);
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
// CPU accounting. Requests per second swing by a third with whatever else runs on this shared machine;
// the CPU time each process spends per request does not, so it is the figure to compare across runs.

double rusage_seconds(const rusage& ru) {
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// utime + stime of /proc/<path>/stat (a process, or a thread as self/task/<tid>); -1 when unreadable.
double proc_stat_cpu_seconds(const std::string& path) {
  std::ifstream stat("/proc/" + path + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return -1;
  auto close = line.rfind(')');  // comm may contain spaces
  if (close == std::string::npos || close + 2 > line.size()) return -1;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int f = 3; f <= 15 && rest >> field; ++f) {  // fields 14 and 15 are utime and stime
    if (f == 14) utime = std::stoull(field);
    if (f == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// A child of this process's main thread by executable name (comm), -1 when the kernel does not list it.
pid_t find_child(const std::string& comm_prefix) {
  std::ifstream children("/proc/self/task/" + std::to_string(::getpid()) + "/children");
  for (pid_t pid; children >> pid;) {
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind(comm_prefix, 0) == 0) return pid;
  }
  return -1;
}

// Where the CPU goes: the load generator is the thread that runs the measurement (RUSAGE_THREAD), the
// in-process upstream is its own server thread, capif-aef and capif-ccf are child processes.
struct CpuProbe {
  pid_t upstream_tid = -1, aef_pid = -1, ccf_pid = -1;
};

struct CpuSample {
  double load = -1, upstream = -1, aef = -1, ccf = -1;
};

CpuSample sample_cpu(const CpuProbe& p) {
  CpuSample s;
  rusage ru{};
  if (::getrusage(RUSAGE_THREAD, &ru) == 0) s.load = rusage_seconds(ru);
  if (p.upstream_tid > 0) s.upstream = proc_stat_cpu_seconds("self/task/" + std::to_string(p.upstream_tid));
  if (p.aef_pid > 0) s.aef = proc_stat_cpu_seconds(std::to_string(p.aef_pid));
  if (p.ccf_pid > 0) s.ccf = proc_stat_cpu_seconds(std::to_string(p.ccf_pid));
  return s;
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
  std::string scenario;  // which upstream: "no-op" / "1 ms"
  // CPU time per successful request in the measured window, microseconds (-1: not measurable).
  double cpu_load_us = -1, cpu_upstream_us = -1, cpu_aef_us = -1, cpu_ccf_us = -1;
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
                const ClientRequest& request, int expected, const Options& o, int connections,
                const CpuProbe& probe) {
  asio::io_context ioc;
  std::vector<std::unique_ptr<HttpsClient>> clients;
  for (int i = 0; i < connections; ++i)
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
  const CpuSample cpu0 = sample_cpu(probe);
  const auto start = Clock::now();
  phase(meas, o.seconds);
  const double window = std::chrono::duration<double>(meas.end - start).count();
  const CpuSample cpu1 = sample_cpu(probe);

  Result r;
  r.name = name;
  r.unit = unit;
  r.connections = connections;
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
  if (r.count > 0) {
    const double n = static_cast<double>(r.count);
    auto per_req = [n](double a, double b) { return a >= 0 && b >= 0 ? (b - a) * 1e6 / n : -1; };
    r.cpu_load_us = per_req(cpu0.load, cpu1.load);
    r.cpu_upstream_us = per_req(cpu0.upstream, cpu1.upstream);
    r.cpu_aef_us = per_req(cpu0.aef, cpu1.aef);
    r.cpu_ccf_us = per_req(cpu0.ccf, cpu1.ccf);
  }
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
  auto us = [](double v) { return v < 0 ? std::string("   ?") : std::to_string(std::lround(v)); };
  double total = 0;
  for (double v : {r.cpu_load_us, r.cpu_upstream_us, r.cpu_aef_us, r.cpu_ccf_us}) total += std::max(0.0, v);
  std::printf("  cpu us/req: load generator %4s  upstream %4s  capif-aef %4s  capif-ccf %4s  total %4s\n",
              us(r.cpu_load_us).c_str(), us(r.cpu_upstream_us).c_str(), us(r.cpu_aef_us).c_str(),
              us(r.cpu_ccf_us).c_str(), us(total).c_str());
  if (!reused_ok(r)) std::printf("  !! connections were NOT all reused\n");
  if (r.errors) std::printf("  !! %zu failed requests; first: %s\n", r.errors, r.first_error.c_str());
  std::fflush(stdout);
}

json result_json(const Result& r) {
  return {{"name", r.name},
          {"scenario", r.scenario},
          {"unit", r.unit},
          {"rate", r.rate},
          {"p50_ms", r.p50_ms},
          {"p99_ms", r.p99_ms},
          {"count", r.count},
          {"errors", r.errors},
          {"connections", r.connections},
          {"new_connections", r.new_connections},
          {"handshakes", r.handshakes},
          {"cpu_us_per_req",
           {{"load_generator", r.cpu_load_us},
            {"upstream", r.cpu_upstream_us},
            {"capif_aef", r.cpu_aef_us},
            {"capif_ccf", r.cpu_ccf_us}}}};
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
    // The upstream service: plain HTTP, one trivial route, in this process. Its delay is switched
    // between the scenarios (read per request; nothing else changes between them).
    http::Router router;
    http::RouteOptions open;
    open.auth = http::ClientAuth::optional;  // plain HTTP: no client certificate to ask for
    auto delay_ms = std::make_shared<std::atomic<int>>(0);
    router.add(
        "GET", "/hello",
        [delay_ms](http::RequestContext&) -> asio::awaitable<http::Response> {
          if (const int d = delay_ms->load(); d > 0) {
            asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(d));
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
    CpuProbe probe;
    std::atomic<pid_t> up_tid{-1};
    std::thread up_thread([&] {
      up_tid = static_cast<pid_t>(::syscall(SYS_gettid));  // one server thread: runs on this one
      upstream.run();
    });
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
      // listen.threads comes from the generated config (2); --aef-threads rewrites it. The test config
      // ships logs every 100 ms (tests want them soon); the benchmark measures capif-aef's defaults.
      const auto cfg = aef.dir() / "aef.yaml";
      std::string text = crypto::read_file(cfg);
      auto pos = text.find("  threads: 2\n");
      if (pos != std::string::npos)
        text.replace(pos, 13, "  threads: " + std::to_string(o.aef_threads) + "\n");
      const std::string test_flush = "logs:\n  flush_interval_ms: 100\n";
      if (pos = text.find(test_flush); pos != std::string::npos) text.erase(pos, test_flush.size());
      crypto::write_file_atomic(cfg, text, false);
    }
    aef.start();
    probe.upstream_tid = up_tid.load();
    probe.aef_pid = find_child("capif-aef");
    probe.ccf_pid = find_child("capif-ccf");
    std::printf(
        "capif-ccf :%u (%d threads), capif-aef :%u (%d threads), upstream %s (1 thread); "
        "%.1f s per measurement after a 1 s warm-up\n",
        ccf.port(), o.ccf_threads, aef.port(), o.aef_threads, up_url.c_str(), o.seconds);
    if (probe.aef_pid < 0 || probe.ccf_pid < 0 || probe.upstream_tid < 0)
      std::printf("(CPU accounting incomplete: /proc does not list every process)\n");

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

    ClientConfig plain;
    plain.allow_plain_http = true;
    plain.ca_pem = ca;
    ClientConfig tls;  // OAuth: server-authenticated TLS + Bearer token
    tls.ca_pem = ca;
    tls.expected_server_cn = aef_id;
    tls.verify_host = false;
    ClientRequest oauth_req{.url = aef.base_url() + "/weather/hello",
                            .headers = {{"Authorization", "Bearer " + token}}};
    auto psk = json::parse(crypto::read_file(psk_inv.state() / "aefpsk.json"));
    ClientConfig psk_cfg;  // TLS-PSK with the AEFPSK the invoker derived (identity = apiInvokerId)
    psk_cfg.ca_pem = ca;
    psk_cfg.verify_host = false;
    psk_cfg.psk_identity = psk_inv.invoker_id();
    psk_cfg.psk_key = crypto::base64_decode(psk.at(aef_id).at("key").get<std::string>());

    // One scenario: direct, OAuth through the gateway, PSK through the gateway; returns the ratios.
    struct Ratios {
      std::string scenario;
      int connections = 0;
      double oauth = 0, psk = 0;
    };
    std::vector<Ratios> ratios;
    auto scenario = [&](const std::string& label, int upstream_delay, int connections) {
      delay_ms->store(upstream_delay);
      std::printf("\n-- upstream %s, %d keep-alive connections --\n", label.c_str(), connections);
      const std::size_t first = results.size();
      auto add = [&](Result r) {
        r.scenario = label;
        results.push_back(std::move(r));
        print_result(results.back());
      };
      add(run_load("direct upstream (plain HTTP)", "req/s", plain, {.url = up_url + "/hello"}, 200, o,
                   connections, probe));
      add(run_load("gateway OAuth (TLS + Bearer)", "req/s", tls, oauth_req, 200, o, connections, probe));
      add(run_load("gateway TLS-PSK", "req/s", psk_cfg, {.url = aef.base_url() + "/weather/hello"}, 200, o,
                   connections, probe));
      const double direct = results[first].rate;
      Ratios r{label, connections, direct > 0 ? results[first + 1].rate / direct : 0,
               direct > 0 ? results[first + 2].rate / direct : 0};
      std::printf("gateway OAuth / direct = %.2f, gateway TLS-PSK / direct = %.2f\n", r.oauth, r.psk);
      ratios.push_back(r);
    };
    scenario("no-op", 0, o.connections);
    if (o.upstream_delay_ms > 0)
      scenario(std::to_string(o.upstream_delay_ms) + " ms per request", o.upstream_delay_ms,
               o.delay_connections);

    // (d) tokens issued by the CCF over keep-alive mutual TLS.
    std::printf("\n-- CCF, %d keep-alive connections --\n", o.connections);
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
    results.push_back(
        run_load("CCF token issuance (mTLS)", "tok/s", mtls, token_req, 200, o, o.connections, probe));
    print_result(results.back());

    bool all_reused = true;
    std::size_t failed = 0;
    for (const auto& r : results) {
      all_reused = all_reused && reused_ok(r);
      failed += r.errors;
    }
    // Issue 3, section 5: the gateway keeps at least 60 % of the direct req/s on keep-alive connections.
    std::printf("\ntarget: the gateway keeps >= 60%% of the direct req/s on keep-alive connections\n");
    for (const auto& r : ratios) {
      const bool met = r.oauth >= 0.6 && r.psk >= 0.6;
      std::printf("  upstream %-20s OAuth / direct = %.2f   TLS-PSK / direct = %.2f   target %s\n",
                  (r.scenario + ",").c_str(), r.oauth, r.psk, met ? "met" : "NOT met");
    }
    std::printf("handshakes == connections (one connection each, all reused): %s; failed requests: %zu\n",
                all_reused ? "yes" : "NO", failed);
    if (!o.json_file.empty()) {
      json j{{"connections", o.connections},
             {"delay_connections", o.delay_connections},
             {"upstream_delay_ms", o.upstream_delay_ms},
             {"seconds", o.seconds},
             {"results", json::array()},
             {"ratios", json::array()},
             {"all_connections_reused", all_reused}};
      for (const auto& r : results) j["results"].push_back(result_json(r));
      for (const auto& r : ratios)
        j["ratios"].push_back({{"scenario", r.scenario},
                               {"connections", r.connections},
                               {"oauth_direct", r.oauth},
                               {"psk_direct", r.psk},
                               {"target_met", r.oauth >= 0.6 && r.psk >= 0.6}});
      std::ofstream(o.json_file) << j.dump(2) << "\n";
    }
    return failed == 0 && all_reused ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "gateway_bench: " << e.what() << "\n";
    return 1;
  }
}
