#include "capif/model/common_data.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <regex>

namespace capif::model {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool all_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return hex_value(c) >= 0; });
}

// Nibble i counted from the right, 0 beyond the string.
int nibble(const std::string& s, std::size_t i) {
  return i < s.size() ? hex_value(s[s.size() - 1 - i]) : 0;
}

int to_int(std::string_view s) {
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
}  // namespace

const char* check_supported_features(std::string_view s) {
  return all_hex(s) ? nullptr : "must be a hexadecimal string (^[A-Fa-f0-9]*$)";
}

const char* check_uri(std::string_view s) {
  if (s.empty()) return "must be a non-empty URI";
  if (std::any_of(s.begin(), s.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; }))
    return "must be a URI without spaces or control characters";
  return nullptr;
}

const char* check_non_empty(std::string_view s) {
  return s.empty() ? "must not be empty" : nullptr;
}

const char* check_date_time(std::string_view s) {
  static const std::regex re(
      R"(^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$)");
  std::match_results<std::string_view::const_iterator> m;
  constexpr const char* kBad = "must be an RFC 3339 date-time (e.g. 2024-01-31T12:00:00Z)";
  if (!std::regex_match(s.begin(), s.end(), m, re)) return kBad;
  auto part = [&](int i) { return to_int(std::string_view(&*m[i].first, m[i].length())); };
  const int y = part(1), mo = part(2), d = part(3);
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12) return kBad;
  const int dim = kDays[mo - 1] + (mo == 2 && leap(y) ? 1 : 0);
  if (d < 1 || d > dim || part(4) > 23 || part(5) > 59 || part(6) > 60) return kBad;
  if (m[9].matched && (part(9) > 23 || part(10) > 59)) return kBad;
  return nullptr;
}

const char* check_ipv4(std::string_view s) {
  in_addr a{};
  const std::string str(s);
  return inet_pton(AF_INET, str.c_str(), &a) == 1 ? nullptr : "must be an IPv4 address in dotted decimal";
}

const char* check_ipv6(std::string_view s) {
  in6_addr a{};
  const std::string str(s);
  // RFC 5952 clause 5 mixed notation is excluded by TS 29.122.
  if (str.find('.') != std::string::npos || inet_pton(AF_INET6, str.c_str(), &a) != 1)
    return "must be an IPv6 address (RFC 5952, no mixed IPv4 notation)";
  return nullptr;
}

const char* check_fqdn(std::string_view s) {
  static const std::regex re(R"(^([0-9A-Za-z]([-0-9A-Za-z]{0,61}[0-9A-Za-z])?\.)+[A-Za-z]{2,63}\.?$)");
  if (s.size() < 4 || s.size() > 253 || !std::regex_match(s.begin(), s.end(), re))
    return "must be a fully qualified domain name";
  return nullptr;
}

bool supports_feature(const std::string& hex, int n) {
  if (n < 1 || !all_hex(hex)) return false;
  const auto idx = static_cast<std::size_t>((n - 1) / 4);
  return (nibble(hex, idx) >> ((n - 1) % 4)) & 1;
}

std::string intersect_features(const std::string& a, const std::string& b) {
  if (!all_hex(a) || !all_hex(b)) return "0";
  static constexpr char kDigits[] = "0123456789ABCDEF";
  const std::size_t n = std::min(a.size(), b.size());
  std::string out(n, '0');
  for (std::size_t i = 0; i < n; ++i) out[n - 1 - i] = kDigits[nibble(a, i) & nibble(b, i)];
  const auto first = out.find_first_not_of('0');
  return first == std::string::npos ? "0" : out.substr(first);
}

bool has_all_features(const std::string& have, const std::string& wanted) {
  if (!all_hex(have) || !all_hex(wanted)) return false;
  for (std::size_t i = 0; i < wanted.size(); ++i)
    if ((nibble(wanted, i) & ~nibble(have, i)) != 0) return false;
  return true;
}

}  // namespace capif::model
