#pragma once
// The `admin:` section every daemon's configuration shares (docs/operations.md): where its plain-HTTP
// admin listener (/healthz, /readyz, /metrics) binds. Absent = no admin listener, so that processes
// started side by side (tests, several daemons on one host) never fight over a default port.
#include "capif/config/yaml_reader.hpp"

#include <string>

namespace capif::config {

struct AdminConfig {
  bool enabled = false;
  std::string address = "127.0.0.1";  // IPv4/IPv6 literal; loopback unless a scraper elsewhere needs it
  int port = 0;                       // required when the section is present; 0 = ephemeral (tests)
};

// Reads root's `admin` mapping, recording errors in the reader like every other section.
AdminConfig read_admin_config(MapReader root);

}  // namespace capif::config
