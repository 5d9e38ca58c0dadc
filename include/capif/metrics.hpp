#pragma once
// Process-wide metrics, exposed in the Prometheus text format (0.0.4) on each daemon's admin listener.
// Counters, gauges and histograms keyed by family name and label set; every update takes one mutex, which
// is cheap next to a TLS request and keeps the code obviously correct. Families are created on first use;
// describe() adds their # HELP line. Label values must have bounded cardinality (API names, status codes,
// peer ids, reasons): never put ids of invokers or paths with ids in a label.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace capif::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

// Request latencies from 1 ms to 10 s (seconds, as Prometheus wants them).
const std::vector<double>& latency_buckets();

class Registry {
 public:
  // The registry the daemons and the admin listener share.
  static Registry& global();

  void describe(const std::string& name, const std::string& type, const std::string& help);
  void inc(const std::string& name, const Labels& labels = {}, double by = 1);  // counter
  void set(const std::string& name, const Labels& labels, double value);        // gauge
  void observe(const std::string& name, const Labels& labels, double value,     // histogram
               const std::vector<double>& buckets = latency_buckets());
  std::string render();
  // The value of one counter or gauge series (0 when absent), or a histogram's count: for tests.
  double value(const std::string& name, const Labels& labels = {}) const;
  void clear();

 private:
  struct Series {
    double value = 0;
    std::vector<double> bounds;         // histogram upper bounds
    std::vector<std::uint64_t> counts;  // per bucket (not cumulative)
    double sum = 0;
    std::uint64_t count = 0;
  };
  struct Family {
    std::string type = "untyped";
    std::string help;
    std::map<std::string, Series> series;  // key: rendered label set, `{a="x",b="y"}`
  };
  Family& family(const std::string& name, const char* type);
  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

// `{a="x",b="y"}` with the text format's escaping; "" for no labels.
std::string render_labels(const Labels& labels);

// Seconds since `start` of a steady clock, for observe().
double seconds_since(std::int64_t start_ns);
std::int64_t now_ns();

}  // namespace capif::metrics
