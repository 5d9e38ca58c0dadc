#include "capif/model/routing_info_api.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace capif::model {
namespace {
// Compares two addresses of one family as bytes (network order sorts like the numbers).
template <int Family, std::size_t N>
bool ordered(const std::string& a, const std::string& b) {
  unsigned char x[N], y[N];
  if (inet_pton(Family, a.c_str(), x) != 1 || inet_pton(Family, b.c_str(), y) != 1)
    return true;  // reported elsewhere
  return std::memcmp(x, y, N) <= 0;
}

template <int Family, std::size_t N, class Range>
bool read_range(const nlohmann::json& j, Range& out, const std::string& pointer, InvalidParams& errs,
                StringCheck check) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("start", out.start, check);
  r.req("end", out.end, check);
  if (r.ok() && !ordered<Family, N>(out.start, out.end)) r.fail(r.at("end"), "must not be below start");
  return r.ok();
}
}  // namespace

bool from_json(const nlohmann::json& j, Ipv4AddressRange& out, const std::string& pointer,
               InvalidParams& errs) {
  return read_range<AF_INET, 4>(j, out, pointer, errs, check_ipv4);
}

bool from_json(const nlohmann::json& j, Ipv6AddressRange& out, const std::string& pointer,
               InvalidParams& errs) {
  return read_range<AF_INET6, 16>(j, out, pointer, errs, check_ipv6);
}

bool from_json(const nlohmann::json& j, RoutingRule& out, const std::string& pointer, InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("ipv4AddrRanges", out.ipv4AddrRanges, 1);
  r.opt("ipv6AddrRanges", out.ipv6AddrRanges, 1);
  r.req("aefProfile", out.aefProfile);
  return r.ok();
}

bool from_json(const nlohmann::json& j, RoutingInfo& out, const std::string& pointer, InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.req("routingRules", out.routingRules, 1);
  return r.ok();
}

nlohmann::json to_json(const Ipv4AddressRange& v) {
  return {{"start", v.start}, {"end", v.end}};
}

nlohmann::json to_json(const Ipv6AddressRange& v) {
  return {{"start", v.start}, {"end", v.end}};
}

nlohmann::json to_json(const RoutingRule& v) {
  nlohmann::json j{{"aefProfile", to_json(v.aefProfile)}};
  put(j, "ipv4AddrRanges", v.ipv4AddrRanges);
  put(j, "ipv6AddrRanges", v.ipv6AddrRanges);
  return j;
}

nlohmann::json to_json(const RoutingInfo& v) {
  return {{"routingRules", to_json(v.routingRules)}};
}

}  // namespace capif::model
