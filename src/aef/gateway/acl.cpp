#include "aef/gateway/acl.hpp"

#include <cctype>
#include <charconv>

namespace capif::aef {
using nlohmann::json;

std::optional<std::int64_t> parse_rfc3339(const std::string& s) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  auto num = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    if (pos + len > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
      s[16] != ':')
    return std::nullopt;
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), se = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !se || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 ||
      *mi > 59 || *se > 60)
    return std::nullopt;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    auto oh = num(i + 1, 2), om = num(i + 4, 2);
    if (!oh || !om || i + 3 >= s.size() || s[i + 3] != ':') return std::nullopt;
    offset = (s[i] == '+' ? 1 : -1) * (*oh * 3600 + *om * 60);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  // days from civil (Howard Hinnant)
  int yy = *y - (*mo <= 2);
  int era = (yy >= 0 ? yy : yy - 399) / 400;
  unsigned yoe = static_cast<unsigned>(yy - era * 400);
  unsigned doy = (153 * (*mo + (*mo > 2 ? -3 : 9)) + 2) / 5 + *d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
  return days * 86400 + *h * 3600 + *mi * 60 + *se - offset;
}

std::optional<InvokerPolicy> parse_access_control_policy(const json& body, const std::string& invoker) {
  if (!body.is_object() || !body.contains("apiInvokerPolicies") || !body["apiInvokerPolicies"].is_array())
    return std::nullopt;
  for (const auto& p : body["apiInvokerPolicies"]) {
    if (!p.is_object() || p.value("apiInvokerId", json()) != json(invoker)) continue;
    InvokerPolicy out;
    if (auto it = p.find("allowedTotalInvocations"); it != p.end() && it->is_number_integer())
      out.total = it->get<std::int64_t>();
    if (auto it = p.find("allowedInvocationsPerSecond"); it != p.end() && it->is_number_integer())
      out.per_second = it->get<std::int64_t>();
    if (auto it = p.find("allowedInvocationTimeRangeList"); it != p.end() && it->is_array()) {
      for (const auto& r : *it) {
        if (!r.is_object()) continue;
        auto a = parse_rfc3339(r.value("startTime", std::string()));
        auto b = parse_rfc3339(r.value("stopTime", std::string()));
        // A malformed range allows nothing rather than everything.
        out.ranges.emplace_back(a && b ? *a : 1, a && b ? *b : 0);
      }
    }
    return out;
  }
  return std::nullopt;
}

std::optional<AclEnforcer::Cached> AclEnforcer::cached(const std::string& api_id,
                                                       const std::string& invoker) const {
  std::lock_guard lock(mutex_);
  auto it = policies_.find({api_id, invoker});
  if (it == policies_.end()) return std::nullopt;
  return it->second;
}

void AclEnforcer::store(const std::string& api_id, const std::string& invoker,
                        std::optional<InvokerPolicy> policy, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  policies_[{api_id, invoker}] = Cached{std::move(policy), now_ms};
}

AclVerdict AclEnforcer::admit(const std::string& api_id, const std::string& invoker,
                              const std::optional<InvokerPolicy>& policy, std::int64_t now_ms) {
  const std::int64_t now_s = now_ms / 1000;
  if (policy && !policy->ranges.empty()) {
    bool inside = false;
    for (const auto& [a, b] : policy->ranges) inside = inside || (now_s >= a && now_s <= b);
    if (!inside) return AclVerdict::outside_time;
  }
  std::lock_guard lock(mutex_);
  auto& c = counters_[{api_id, invoker}];
  if (policy && policy->total && c.total >= *policy->total) return AclVerdict::over_total;
  if (c.second != now_s) {
    c.second = now_s;
    c.in_second = 0;
  }
  if (policy && policy->per_second && c.in_second >= *policy->per_second) return AclVerdict::over_rate;
  ++c.total;
  ++c.in_second;
  return AclVerdict::allow;
}

void AclEnforcer::forget(const std::string& invoker) {
  std::lock_guard lock(mutex_);
  std::erase_if(policies_, [&](const auto& kv) { return kv.first.second == invoker; });
}

}  // namespace capif::aef
