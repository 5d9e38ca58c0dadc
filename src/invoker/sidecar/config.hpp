#pragma once
// capif-invoker run --config FILE: the sidecar's YAML configuration (strict: unknown keys are errors).
// Every key is documented in docs/configuration.md, section capif-invoker.
#include "capif/config/admin_config.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace capif::invoker {

struct SidecarApi {
  std::string api_name;
  std::string aef_id;                // empty: the first AEF discovery returns for the name
  std::vector<std::string> methods;  // preference order, subset of PSK, PKI, OAUTH
};

struct SidecarConfig {
  struct Ccf {
    std::string api_root;
    std::filesystem::path ca_file;
    std::filesystem::path credential_file;  // needed only while not onboarded
    std::string notification_destination = "https://127.0.0.1/capif-invoker/notifications";
    bool tls12 = false;  // negotiate over TLS 1.2 (the standard AEFPSK derivation)
    std::string ccf_id;  // overrides the onboarded CCF's id (default: the credential's iss, kept in ccf.json)
  } ccf;
  std::filesystem::path state_dir;
  struct Listen {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;
  } listen;
  std::vector<SidecarApi> apis;
  std::int64_t token_refresh_margin_s = 60;
  std::int64_t request_timeout_ms = 10000;
  config::AdminConfig admin;  // the admin listener (docs/operations.md); off unless configured
};

// Throws config::ConfigError listing every problem.
SidecarConfig load_sidecar_config(const std::filesystem::path& file);
SidecarConfig sidecar_config_from_string(const std::string& yaml, const std::filesystem::path& base_dir,
                                         const std::string& source);

}  // namespace capif::invoker
