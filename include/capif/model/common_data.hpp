#pragma once
// Simple types shared by the CAPIF APIs (TS 29.122 / TS 29.571 CommonData). They are plain
// strings/integers on the wire; the check_* functions return nullptr when valid or a reason.
#include <cstdint>
#include <string>
#include <string_view>

namespace capif::model {

using SupportedFeatures = std::string;  // hex bitmask, last char = features 1..4
using Uri = std::string;
using DateTime = std::string;  // RFC 3339 date-time
using Ipv4Addr = std::string;
using Ipv6Addr = std::string;
using Fqdn = std::string;

inline constexpr std::int64_t kPortMin = 0;
inline constexpr std::int64_t kPortMax = 65535;

const char* check_supported_features(std::string_view s);
const char* check_uri(std::string_view s);
const char* check_date_time(std::string_view s);
const char* check_ipv4(std::string_view s);
const char* check_ipv6(std::string_view s);
const char* check_fqdn(std::string_view s);
const char* check_non_empty(std::string_view s);

// Feature n (1-based) is bit n-1 counted from the right of the hex string; invalid hex => false.
bool supports_feature(const std::string& hex, int n);
// Bitwise AND of two feature strings, upper-case hex without leading zeros ("0" when empty).
std::string intersect_features(const std::string& a, const std::string& b);
// True when every feature set in `wanted` is also set in `have`.
bool has_all_features(const std::string& have, const std::string& wanted);

}  // namespace capif::model
