// Benchmark of a real capif-ccf over keep-alive TLS: the trivial route (the ceiling), discovery by
// api-name at growing registry sizes, publication and onboarding rates. It prints figures and asserts
// nothing about speed. Every phase is bounded in time; the CCF is stopped by the CcfProcess destructor.
//
//   ccf_bench [--ccf-threads N] [--connections N] [--seconds S] [--apis 1000,10000]
//             [--publish-connections N] [--onboard-concurrency N] [--json FILE]
#include "capif/crypto/pki.hpp"
#include "capif_parties.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {
namespace asio = boost::asio;
using namespace capif::testing;
using capif::http::ClientConfig;
using capif::http::ClientRequest;
using capif::http::ClientResponse;
using capif::http::HttpsClient;
using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// ---------------------------------------------------------------------------------------------------
// Command line

struct Options {
  int ccf_threads = 2;
  int connections = 8;
  double seconds = 5;
  std::vector<int> apis{1000, 10000};
  int publish_connections = 4;
  int onboard_concurrency = 4;  // second onboarding run with this many clients; 0 or 1 = sequential only
  std::string json_file;
};

void usage() {
  std::cout
      << "usage: ccf_bench [--ccf-threads N] [--connections N] [--seconds S] [--apis 1000,10000]\n"
         "                 [--publish-connections N] [--onboard-concurrency N] [--json FILE]\n"
         "  --ccf-threads N           capif-ccf listen.threads (default 2)\n"
         "  --connections N           concurrent keep-alive connections for healthz/discover (default 8)\n"
         "  --seconds S               duration of each measurement, after a 1 s warm-up (default 5)\n"
         "  --apis LIST               registry sizes at which discovery is measured (default 1000,10000)\n"
         "  --publish-connections N   concurrent APF connections used to publish (default 4)\n"
         "  --onboard-concurrency N   concurrent onboarding clients of the second run (default 4, 0 = off)\n"
         "  --json FILE               also write the figures as JSON\n";
}

int positive_int(const std::string& flag, const std::string& v) {
  std::size_t pos = 0;
  int n = 0;
  try {
    n = std::stoi(v, &pos);
  } catch (...) {
    pos = 0;
  }
  if (pos != v.size() || n < 0)
    throw std::invalid_argument(flag + " needs a non-negative integer, got '" + v + "'");
  return n;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      usage();
      std::exit(0);
    }
    if (i + 1 >= argc) throw std::invalid_argument("unknown option or missing value: " + a);
    const std::string v = argv[++i];
    if (a == "--ccf-threads") {
      o.ccf_threads = positive_int(a, v);
    } else if (a == "--connections") {
      o.connections = positive_int(a, v);
    } else if (a == "--seconds") {
      try {
        o.seconds = std::stod(v);
      } catch (...) {
        o.seconds = -1;
      }
      if (!(o.seconds > 0 && o.seconds <= 3600))
        throw std::invalid_argument("--seconds needs a value in (0, 3600]");
    } else if (a == "--apis") {
      o.apis.clear();
      std::stringstream ss(v);
      for (std::string item; std::getline(ss, item, ',');) o.apis.push_back(positive_int(a, item));
      std::sort(o.apis.begin(), o.apis.end());
      o.apis.erase(std::unique(o.apis.begin(), o.apis.end()), o.apis.end());
      if (o.apis.empty() || o.apis.front() < 1) throw std::invalid_argument("--apis needs sizes >= 1");
    } else if (a == "--publish-connections") {
      o.publish_connections = positive_int(a, v);
    } else if (a == "--onboard-concurrency") {
      o.onboard_concurrency = positive_int(a, v);
    } else if (a == "--json") {
      o.json_file = v;
    } else {
      throw std::invalid_argument("unknown option: " + a);
    }
  }
  if (o.ccf_threads < 1 || o.connections < 1 || o.publish_connections < 1)
    throw std::invalid_argument("--ccf-threads, --connections and --publish-connections must be >= 1");
  return o;
}

// ---------------------------------------------------------------------------------------------------
// CPU accounting: where the time goes (the CCF and the load generator share the machine's cores).

double self_cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

// The capif-ccf child of this process (found through /proc; -1 when the kernel does not list children).
pid_t find_ccf_pid() {
  std::ifstream children("/proc/self/task/" + std::to_string(::getpid()) + "/children");
  for (pid_t pid; children >> pid;) {
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind("capif-ccf", 0) == 0) return pid;
  }
  return -1;
}

double process_cpu_seconds(pid_t pid) {
  if (pid <= 0) return -1;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return -1;
  auto close = line.rfind(')');  // comm may contain spaces
  if (close == std::string::npos) return -1;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int f = 3; f <= 15 && rest >> field; ++f) {  // fields 14 and 15 are utime and stime
    if (f == 14) utime = std::stoull(field);
    if (f == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// ---------------------------------------------------------------------------------------------------
// Closed-loop load: N coroutines on one io_context, each with its own keep-alive HttpsClient (one
// connection each), issuing requests back to back for a fixed time.

struct Result {
  std::string name;
  std::string unit = "req/s";
  int connections = 0;
  double window_s = 0;  // measured window (shorter than asked only when the request source ran out)
  std::size_t count = 0, errors = 0;
  double rate = 0, p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::size_t handshakes = 0;
  double ccf_cpu_us = -1, bench_cpu_us = -1;  // CPU per successful request, measured window only
  std::string first_error;
  bool exhausted = false;
};

struct LoadSpec {
  std::string name;
  std::string unit = "req/s";
  int connections = 1;
  ClientConfig client;
  double warmup_s = 1;
  double seconds = 5;
  std::function<std::optional<ClientRequest>(std::mt19937_64&)> next;  // nullopt: nothing left to send
  std::function<bool(const ClientResponse&)> ok;
  std::function<void(double warmup_rate)> between;  // after the warm-up, before the measurement
};

struct Phase {
  Clock::time_point start, end;
  bool record = false;
  std::vector<double> latencies_ms;
  std::size_t errors = 0;
  std::string first_error;
  bool exhausted = false;
  Clock::time_point last_done;
};

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

asio::awaitable<void> worker(HttpsClient& client, const LoadSpec& spec, Phase& ph, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  while (Clock::now() < ph.end) {
    auto req = spec.next(rng);
    if (!req) {
      ph.exhausted = true;
      break;
    }
    const auto t0 = Clock::now();
    ClientResponse resp = co_await client.request(std::move(*req));
    const auto t1 = Clock::now();
    if (t1 > ph.end) break;  // finished outside the window: not counted
    ph.last_done = std::max(ph.last_done, t1);
    if (!spec.ok(resp)) {
      if (++ph.errors == 1)
        ph.first_error =
            resp.ok() ? "HTTP " + std::to_string(resp.status) + " " + resp.body.substr(0, 300) : resp.error;
      continue;
    }
    if (ph.record)
      ph.latencies_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    else
      ph.latencies_ms.push_back(0);  // the warm-up only counts
  }
}

void run_phase(asio::io_context& ioc, std::vector<std::unique_ptr<HttpsClient>>& clients,
               const LoadSpec& spec, Phase& ph, std::uint64_t seed) {
  ph.last_done = ph.start;
  for (std::size_t i = 0; i < clients.size(); ++i)
    asio::co_spawn(ioc, worker(*clients[i], spec, ph, seed * 1000 + i), asio::detached);
  ioc.restart();
  ioc.run();
}

Result run_load(const LoadSpec& spec, pid_t ccf_pid) {
  asio::io_context ioc;
  std::vector<std::unique_ptr<HttpsClient>> clients;
  for (int i = 0; i < spec.connections; ++i)
    clients.push_back(std::make_unique<HttpsClient>(ioc.get_executor(), spec.client));

  Phase warm;
  warm.start = Clock::now();
  warm.end =
      warm.start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(spec.warmup_s));
  run_phase(ioc, clients, spec, warm, 1);
  const double warm_span = seconds_between(warm.start, warm.exhausted ? warm.last_done : warm.end);
  if (spec.between)
    spec.between(warm_span > 0 ? static_cast<double>(warm.latencies_ms.size()) / warm_span : 0);

  Phase meas;
  meas.record = true;
  const double ccf_cpu0 = process_cpu_seconds(ccf_pid), self_cpu0 = self_cpu_seconds();
  meas.start = Clock::now();
  meas.end =
      meas.start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(spec.seconds));
  run_phase(ioc, clients, spec, meas, 2);
  const double ccf_cpu1 = process_cpu_seconds(ccf_pid), self_cpu1 = self_cpu_seconds();

  Result r;
  r.name = spec.name;
  r.unit = spec.unit;
  r.connections = spec.connections;
  r.exhausted = meas.exhausted;
  r.window_s = seconds_between(meas.start, meas.exhausted ? meas.last_done : meas.end);
  r.count = meas.latencies_ms.size();
  r.errors = meas.errors + warm.errors;
  r.first_error = !warm.first_error.empty() ? warm.first_error : meas.first_error;
  std::sort(meas.latencies_ms.begin(), meas.latencies_ms.end());
  r.rate = r.window_s > 0 ? static_cast<double>(r.count) / r.window_s : 0;
  r.p50_ms = percentile(meas.latencies_ms, 0.50);
  r.p99_ms = percentile(meas.latencies_ms, 0.99);
  r.max_ms = meas.latencies_ms.empty() ? 0 : meas.latencies_ms.back();
  for (const auto& c : clients) r.handshakes += c->handshakes();
  if (r.count > 0) {
    if (ccf_cpu0 >= 0 && ccf_cpu1 >= 0)
      r.ccf_cpu_us = (ccf_cpu1 - ccf_cpu0) * 1e6 / static_cast<double>(r.count);
    r.bench_cpu_us = (self_cpu1 - self_cpu0) * 1e6 / static_cast<double>(r.count);
  }
  return r;
}

void print_result(const Result& r) {
  std::printf("%-34s %-6s %8.0f   p50 %6.2f ms   p99 %6.2f ms   max %7.2f ms   conns %2d  handshakes %2zu",
              r.name.c_str(), r.unit.c_str(), r.rate, r.p50_ms, r.p99_ms, r.max_ms, r.connections,
              r.handshakes);
  if (r.ccf_cpu_us >= 0) std::printf("   cpu/req ccf %5.0f us bench %4.0f us", r.ccf_cpu_us, r.bench_cpu_us);
  std::printf("\n");
  if (r.handshakes != static_cast<std::size_t>(r.connections))
    std::printf("  !! %zu TLS handshakes for %d connections: connections were NOT all reused\n", r.handshakes,
                r.connections);
  if (r.errors) std::printf("  !! %zu failed requests; first: %s\n", r.errors, r.first_error.c_str());
  if (r.exhausted)
    std::printf("  (pre-generated requests ran out: measured window %.2f s, %zu requests)\n", r.window_s,
                r.count);
  std::fflush(stdout);
}

nlohmann::json result_json(const Result& r) {
  return {{"name", r.name},
          {"unit", r.unit},
          {"rate", r.rate},
          {"p50_ms", r.p50_ms},
          {"p99_ms", r.p99_ms},
          {"max_ms", r.max_ms},
          {"count", r.count},
          {"errors", r.errors},
          {"window_s", r.window_s},
          {"connections", r.connections},
          {"handshakes", r.handshakes},
          {"ccf_cpu_us_per_req", r.ccf_cpu_us},
          {"bench_cpu_us_per_req", r.bench_cpu_us}};
}

// ---------------------------------------------------------------------------------------------------
// Publishing through the real publish API with several concurrent APF connections.

struct PublishRun {
  int from = 0, to = 0;
  double seconds = 0;
  std::size_t handshakes = 0;
};

std::string api_name(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "bench-api-%05d", i);
  return buf;
}

PublishRun publish_apis(const CcfProcess& ccf, const Provider& prov, int from, int to, int connections) {
  std::vector<std::string> bodies;  // built before the clock starts
  bodies.reserve(static_cast<std::size_t>(to - from));
  for (int i = from; i < to; ++i) bodies.push_back(service_api_body(api_name(i), prov.aef.id).dump());
  ClientConfig cfg;
  cfg.ca_pem = ccf.ca_pem();
  cfg.client_cert_pem = prov.apf.cert_pem;
  cfg.client_key_pem = prov.apf.key_pem;
  const std::string url = published_url(ccf, prov.apf.id);

  asio::io_context ioc;
  std::vector<std::unique_ptr<HttpsClient>> clients;
  for (int i = 0; i < connections; ++i)
    clients.push_back(std::make_unique<HttpsClient>(ioc.get_executor(), cfg));
  std::size_t next = 0;
  std::string failure;
  const auto deadline = Clock::now() + std::chrono::minutes(10);
  auto one = [&](HttpsClient& client) -> asio::awaitable<void> {
    while (next < bodies.size() && failure.empty() && Clock::now() < deadline) {
      ClientRequest req;
      req.method = "POST";
      req.url = url;
      req.content_type = "application/json";
      req.body = std::move(bodies[next++]);
      auto resp = co_await client.request(std::move(req));
      if (resp.status != 201)
        failure =
            resp.ok() ? "HTTP " + std::to_string(resp.status) + " " + resp.body.substr(0, 300) : resp.error;
    }
  };
  const auto t0 = Clock::now();
  for (auto& c : clients) asio::co_spawn(ioc, one(*c), asio::detached);
  ioc.run();
  PublishRun run{from, to, seconds_between(t0, Clock::now()), 0};
  for (const auto& c : clients) run.handshakes += c->handshakes();
  if (!failure.empty()) throw std::runtime_error("publishing failed: " + failure);
  if (next < bodies.size()) throw std::runtime_error("publishing did not finish within 10 minutes");
  return run;
}

// Checks, outside any measurement, that random names each discover exactly their one API.
void validate_discovery(const CcfProcess& ccf, Invoker& inv, int published) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int> pick(0, published - 1);
  for (int k = 0; k < 20; ++k) {
    const std::string name = api_name(pick(rng));
    auto r = send(*inv.client, "GET", discover_url(ccf, inv.id, "&api-name=" + name));
    auto j = body_json(r);
    if (r.status != 200 || !j.contains("serviceAPIDescriptions") || j["serviceAPIDescriptions"].size() != 1 ||
        j["serviceAPIDescriptions"][0].value("apiName", "") != name)
      throw std::runtime_error("discovering " + name + " did not return exactly that API: " +
                               std::to_string(r.status) + " " + r.body.substr(0, 300));
  }
}

std::size_t count_of(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + what.size())) ++n;
  return n;
}

// ---------------------------------------------------------------------------------------------------
// Onboarding: every request carries a fresh CSR; keys and CSRs are generated before the timed loop.

struct CsrPool {
  std::vector<std::string> bodies;  // onboarding request bodies, each with its own new key's CSR
  std::size_t next = 0;
  double gen_seconds = 0;

  void add(std::size_t n) {
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < n; ++i) {
      const std::string key = capif::crypto::generate_ec_key_pem();
      bodies.push_back(onboarding_body(capif::crypto::make_csr_pem(key, "bench-invoker")).dump());
    }
    gen_seconds += seconds_between(t0, Clock::now());
  }
};

Result measure_onboarding(const CcfProcess& ccf, const std::string& credential, int clients, double seconds,
                          pid_t ccf_pid) {
  constexpr std::size_t kMaxCsrs = 200000;
  CsrPool pool;
  pool.add(300);  // enough for a warm-up at a few hundred per second; the rest is sized from its rate
  LoadSpec spec;
  spec.name = clients == 1 ? "onboarding, sequential" : "onboarding, " + std::to_string(clients) + " clients";
  spec.unit = "onb/s";
  spec.connections = clients;
  spec.client.ca_pem = ccf.ca_pem();  // server-only TLS: an invoker has no certificate yet
  spec.seconds = seconds;
  const std::string url = invokers_url(ccf), auth = "Bearer " + credential;
  spec.next = [&](std::mt19937_64&) -> std::optional<ClientRequest> {
    if (pool.next >= pool.bodies.size()) return std::nullopt;
    ClientRequest req;
    req.method = "POST";
    req.url = url;
    req.content_type = "application/json";
    req.headers = {{"Authorization", auth}};
    req.body = std::move(pool.bodies[pool.next++]);
    return req;
  };
  spec.ok = [](const ClientResponse& r) { return r.status == 201; };
  spec.between = [&](double warm_rate) {
    const double want = std::ceil(std::max(warm_rate, 50.0) * seconds * 1.5) + 200;
    const auto have = pool.bodies.size() - pool.next;
    if (want > static_cast<double>(have)) pool.add(std::min(kMaxCsrs, static_cast<std::size_t>(want) - have));
  };
  Result r = run_load(spec, ccf_pid);
  std::printf("  (%zu keys + CSRs generated in %.2f s before the timed loops)\n", pool.bodies.size(),
              pool.gen_seconds);
  return r;
}

int run(const Options& opt) {
  std::printf(
      "capif-ccf benchmark: ccf threads %d, connections %d, %.1f s per measurement (+1 s warm-up), "
      "%ld cores online\n",
      opt.ccf_threads, opt.connections, opt.seconds, ::sysconf(_SC_NPROCESSORS_ONLN));
  CcfOptions copt;
  copt.id = "ccf-bench";
  copt.threads = opt.ccf_threads;
  CcfProcess ccf(copt);
  ccf.start();
  const pid_t ccf_pid = find_ccf_pid();
  std::printf("capif-ccf pid %d on %s\n", static_cast<int>(ccf_pid), ccf.api_root().c_str());

  Provider prov = register_provider(ccf);
  Invoker inv = onboard_invoker(ccf);
  std::printf("provider %s (APF %s), invoker %s\n\n", prov.dom_id.c_str(), prov.apf.id.c_str(),
              inv.id.c_str());

  ClientConfig invoker_cfg;
  invoker_cfg.ca_pem = ccf.ca_pem();
  invoker_cfg.client_cert_pem = inv.cert_pem;
  invoker_cfg.client_key_pem = inv.key_pem;

  std::vector<Result> results;
  nlohmann::json publishing = nlohmann::json::array();

  // a. The trivial route: the ceiling of the HTTP + TLS stack.
  {
    LoadSpec spec;
    spec.name = "GET /healthz (trivial)";
    spec.connections = opt.connections;
    spec.client = invoker_cfg;
    spec.seconds = opt.seconds;
    const std::string url = ccf.api_root() + "/healthz";
    spec.next = [url](std::mt19937_64&) -> std::optional<ClientRequest> {
      ClientRequest req;
      req.url = url;
      return req;
    };
    spec.ok = [](const ClientResponse& r) { return r.status == 200; };
    results.push_back(run_load(spec, ccf_pid));
    print_result(results.back());
  }

  // b. Discovery by api-name at each registry size; APIs are published through the real publish API.
  int published = 0;
  std::vector<std::pair<int, double>> discover_rates;
  for (int size : opt.apis) {
    if (size > published) {
      auto run = publish_apis(ccf, prov, published, size, opt.publish_connections);
      const int n = size - published;
      std::printf(
          "published %d APIs (%d -> %d) in %.2f s = %.0f publications/s over %d connections "
          "(handshakes %zu)\n",
          n, published, size, run.seconds, n / run.seconds, opt.publish_connections, run.handshakes);
      publishing.push_back({{"from", published},
                            {"to", size},
                            {"seconds", run.seconds},
                            {"publications_per_s", n / run.seconds},
                            {"connections", opt.publish_connections},
                            {"handshakes", run.handshakes}});
      published = size;
    }
    validate_discovery(ccf, inv, published);
    LoadSpec spec;
    spec.name = "discover api-name @" + std::to_string(size) + " APIs";
    spec.connections = opt.connections;
    spec.client = invoker_cfg;
    spec.seconds = opt.seconds;
    std::vector<std::string> urls;
    for (int i = 0; i < published; ++i) urls.push_back(discover_url(ccf, inv.id, "&api-name=" + api_name(i)));
    spec.next = [&urls](std::mt19937_64& rng) -> std::optional<ClientRequest> {
      ClientRequest req;
      req.url = urls[std::uniform_int_distribution<std::size_t>(0, urls.size() - 1)(rng)];
      return req;
    };
    // Exactly one API per name (validated in full above; here a cheap count keeps the client light).
    spec.ok = [](const ClientResponse& r) { return r.status == 200 && count_of(r.body, "\"apiId\"") == 1; };
    results.push_back(run_load(spec, ccf_pid));
    print_result(results.back());
    discover_rates.emplace_back(size, results.back().rate);
  }

  // c. Onboarding per second over keep-alive server-only TLS, with one long-lived credential.
  const std::string credential = ccf.credential("invoker", 24 * 3600);
  results.push_back(measure_onboarding(ccf, credential, 1, opt.seconds, ccf_pid));
  print_result(results.back());
  if (opt.onboard_concurrency > 1) {
    results.push_back(measure_onboarding(ccf, credential, opt.onboard_concurrency, opt.seconds, ccf_pid));
    print_result(results.back());
  }

  // Summary table.
  std::printf("\n===== summary (ccf threads %d, %d connections, %.1f s each) =====\n", opt.ccf_threads,
              opt.connections, opt.seconds);
  for (const auto& r : results)
    std::printf("%-34s %-6s %8.0f   p50 %6.2f ms   p99 %6.2f ms\n", r.name.c_str(), r.unit.c_str(), r.rate,
                r.p50_ms, r.p99_ms);
  for (const auto& p : publishing)
    std::printf(
        "%-34s %-6s %8.0f   (%d APIs in %.2f s, %d connections)\n",
        ("publish " + std::to_string(p["from"].get<int>()) + " -> " + std::to_string(p["to"].get<int>()))
            .c_str(),
        "pub/s", p["publications_per_s"].get<double>(), p["to"].get<int>() - p["from"].get<int>(),
        p["seconds"].get<double>(), p["connections"].get<int>());
  const double trivial = results.front().rate;
  nlohmann::json ratios = nlohmann::json::object();
  for (std::size_t i = 0; i < discover_rates.size(); ++i) {
    const auto [size, rate] = discover_rates[i];
    const double ratio = trivial > 0 ? rate / trivial : 0;
    ratios["discover@" + std::to_string(size)] = ratio;
    std::printf("discover@%d / trivial = %.2f%s\n", size, ratio,
                i + 1 == discover_rates.size()
                    ? (ratio >= 0.5 ? " (target >= 0.5: met)" : " (target >= 0.5: NOT met)")
                    : "");
  }
  bool all_reused = true;
  std::size_t errors = 0;
  for (const auto& r : results) {
    all_reused = all_reused && r.handshakes == static_cast<std::size_t>(r.connections);
    errors += r.errors;
  }
  std::printf("TLS handshakes == connections in every measurement: %s; failed requests: %zu\n",
              all_reused ? "yes" : "NO", errors);

  if (!opt.json_file.empty()) {
    nlohmann::json out{{"options",
                        {{"ccf_threads", opt.ccf_threads},
                         {"connections", opt.connections},
                         {"seconds", opt.seconds},
                         {"apis", opt.apis},
                         {"publish_connections", opt.publish_connections},
                         {"onboard_concurrency", opt.onboard_concurrency},
                         {"cores", ::sysconf(_SC_NPROCESSORS_ONLN)}}},
                       {"results", nlohmann::json::array()},
                       {"publishing", publishing},
                       {"ratios_to_trivial", ratios},
                       {"target_ratio", 0.5},
                       {"handshakes_equal_connections", all_reused},
                       {"errors", errors}};
    for (const auto& r : results) out["results"].push_back(result_json(r));
    std::ofstream f(opt.json_file);
    f << out.dump(2) << "\n";
    if (!f) throw std::runtime_error("cannot write " + opt.json_file);
    std::printf("figures written to %s\n", opt.json_file.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows up even when redirected
  Options opt;
  try {
    opt = parse_options(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "ccf_bench: " << e.what() << "\n";
    usage();
    return 2;
  }
  try {
    return run(opt);
  } catch (const std::exception& e) {
    std::cerr << "ccf_bench: " << e.what() << "\n";
    return 1;
  }
}
