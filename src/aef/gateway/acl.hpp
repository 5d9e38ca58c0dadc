#pragma once
// Access control policy enforcement per (API, invoker): total invocations, invocations per second, allowed
// time ranges (TS 29.222 AccessControlPolicyList). Policies come from the CCF and are cached; counters are
// local to this AEF process.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace capif::aef {

struct InvokerPolicy {
  std::optional<std::int64_t> total;                          // allowedTotalInvocations
  std::optional<std::int64_t> per_second;                     // allowedInvocationsPerSecond
  std::vector<std::pair<std::int64_t, std::int64_t>> ranges;  // [start, stop] unix seconds; empty = any time
};

// The policy for invoker in an AccessControlPolicyList; nullopt when the list has none for it (no limits).
std::optional<InvokerPolicy> parse_access_control_policy(const nlohmann::json& body,
                                                         const std::string& invoker);

// RFC 3339 date-time -> unix seconds; nullopt when malformed.
std::optional<std::int64_t> parse_rfc3339(const std::string& s);

enum class AclVerdict { allow, over_total, over_rate, outside_time };

class AclEnforcer {
 public:
  struct Cached {
    std::optional<InvokerPolicy> policy;
    std::int64_t fetched_ms = 0;
  };
  std::optional<Cached> cached(const std::string& api_id, const std::string& invoker) const;
  void store(const std::string& api_id, const std::string& invoker, std::optional<InvokerPolicy> policy,
             std::int64_t now_ms);
  // Counts the call when it is allowed (a refused call does not use up the allowance).
  AclVerdict admit(const std::string& api_id, const std::string& invoker,
                   const std::optional<InvokerPolicy>& policy, std::int64_t now_ms);
  void forget(const std::string& invoker);  // revocation: policies are fetched again

 private:
  struct Counters {
    std::int64_t total = 0;
    std::int64_t second = -1;
    std::int64_t in_second = 0;
  };
  using Key = std::pair<std::string, std::string>;
  mutable std::mutex mutex_;
  std::map<Key, Cached> policies_;
  std::map<Key, Counters> counters_;
};

}  // namespace capif::aef
