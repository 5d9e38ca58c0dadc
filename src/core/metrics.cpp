#include "capif/metrics.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace capif::metrics {

const std::vector<double>& latency_buckets() {
  static const std::vector<double> b{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return b;
}

Registry& Registry::global() {
  static Registry r;
  return r;
}

namespace {
std::string escape(std::string_view v, bool help) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && !help)
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// The label set with one more label (le="..." of a histogram bucket).
std::string with_label(const std::string& key, const std::string& extra) {
  if (key.empty()) return "{" + extra + "}";
  return key.substr(0, key.size() - 1) + "," + extra + "}";
}
}  // namespace

std::string render_labels(const Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ",";
    out += labels[i].first + "=\"" + escape(labels[i].second, false) + "\"";
  }
  return out + "}";
}

Registry::Family& Registry::family(const std::string& name, const char* type) {
  auto& f = families_[name];
  if (f.type == "untyped") f.type = type;
  return f;
}

void Registry::describe(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard lock(mutex_);
  auto& f = families_[name];
  f.type = type;
  f.help = help;
}

void Registry::inc(const std::string& name, const Labels& labels, double by) {
  const auto key = render_labels(labels);
  std::lock_guard lock(mutex_);
  family(name, "counter").series[key].value += by;
}

void Registry::set(const std::string& name, const Labels& labels, double value) {
  const auto key = render_labels(labels);
  std::lock_guard lock(mutex_);
  family(name, "gauge").series[key].value = value;
}

void Registry::observe(const std::string& name, const Labels& labels, double value,
                       const std::vector<double>& buckets) {
  const auto key = render_labels(labels);
  std::lock_guard lock(mutex_);
  auto& s = family(name, "histogram").series[key];
  if (s.bounds.empty()) {
    s.bounds = buckets;
    s.counts.assign(buckets.size(), 0);
  }
  auto it = std::lower_bound(s.bounds.begin(), s.bounds.end(), value);  // first bound >= value: le
  if (it != s.bounds.end()) ++s.counts[static_cast<std::size_t>(it - s.bounds.begin())];
  s.sum += value;
  ++s.count;
}

std::string Registry::render() {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    if (f.series.empty()) continue;
    if (!f.help.empty()) out += "# HELP " + name + " " + escape(f.help, true) + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    for (const auto& [key, s] : f.series) {
      if (f.type != "histogram") {
        out += name + key + " " + number(s.value) + "\n";
        continue;
      }
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < s.bounds.size(); ++i) {
        cumulative += s.counts[i];
        out += name + "_bucket" + with_label(key, "le=\"" + number(s.bounds[i]) + "\"") + " " +
               std::to_string(cumulative) + "\n";
      }
      out += name + "_bucket" + with_label(key, "le=\"+Inf\"") + " " + std::to_string(s.count) + "\n";
      out += name + "_sum" + key + " " + number(s.sum) + "\n";
      out += name + "_count" + key + " " + std::to_string(s.count) + "\n";
    }
  }
  return out;
}

double Registry::value(const std::string& name, const Labels& labels) const {
  std::lock_guard lock(mutex_);
  auto f = families_.find(name);
  if (f == families_.end()) return 0;
  auto s = f->second.series.find(render_labels(labels));
  if (s == f->second.series.end()) return 0;
  return f->second.type == "histogram" ? static_cast<double>(s->second.count) : s->second.value;
}

void Registry::clear() {
  std::lock_guard lock(mutex_);
  families_.clear();
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double seconds_since(std::int64_t start_ns) {
  return static_cast<double>(now_ns() - start_ns) / 1e9;
}

}  // namespace capif::metrics
