#include "capif/config/admin_config.hpp"

#include <arpa/inet.h>

namespace capif::config {

AdminConfig read_admin_config(MapReader root) {
  AdminConfig a;
  if (!root.has("admin")) return a;
  MapReader m = root.map("admin");
  a.enabled = true;
  a.address = m.string("address", a.address);
  unsigned char buf[16];
  if (::inet_pton(AF_INET, a.address.c_str(), buf) != 1 && ::inet_pton(AF_INET6, a.address.c_str(), buf) != 1)
    m.error("address", "must be an IPv4 or IPv6 address");
  a.port = static_cast<int>(m.required_integer("port", 0, 65535));
  return a;
}

}  // namespace capif::config
