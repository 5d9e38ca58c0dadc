#pragma once
// The capif-aef configuration file (YAML, strict like every config of the project).
#include "capif/config/admin_config.hpp"
#include "capif/config/yaml_reader.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace capif::aef {

struct ApiResourceConfig {
  std::string name;
  std::string uri;  // relative to the API prefix, starts with '/'
  std::vector<std::string> operations;
};

struct ApiConfig {
  std::string apiName;
  std::string version = "v1";
  std::string prefix;  // apiPrefix: "/name", no trailing '/'
  std::vector<std::string> securityMethods{"PSK", "PKI", "OAUTH"};
  std::vector<ApiResourceConfig> resources;
  // shareableInfo: the CCF may publish the API to its peer CCFs (CAPIF-6/6e), on CAPIF-6e only to these
  // provider domains when the list is not empty.
  bool shareable = false;
  std::vector<std::string> capifProvDoms;
};

struct AefConfig {
  struct Ccf {
    std::string id;        // the CCF's id: CN of its certificate (revoke-authorization caller)
    std::string api_root;  // https://host:port
    std::filesystem::path ca_file;
    std::filesystem::path credential_file;  // onboarding JWT (role provider): first registration only
    std::string credential;
  } ccf;
  std::filesystem::path data_dir;
  struct Listen {
    std::string address = "127.0.0.1";
    int port = 9443;
    int threads = 2;
  } listen;
  std::vector<ApiConfig> apis;
  struct Upstream {
    std::string url;  // empty = built-in demo API
    std::filesystem::path ca_file;
    std::int64_t connect_timeout_ms = 2000;
    std::int64_t request_timeout_ms = 10000;
    std::int64_t max_body_bytes = 8 * 1024 * 1024;
    std::int64_t max_idle = 64;
  } upstream;
  struct Logs {
    std::int64_t batch_size = 1000;  // under load a round posts as soon as this many are queued
    std::int64_t flush_interval_ms = 1000;
    std::int64_t queue_limit = 100000;
  } logs;
  struct Security {
    std::int64_t token_leeway_s = 30;          // exp/nbf leeway, at most 30 s (TS 33.122 C.2)
    std::int64_t acl_refresh_ms = 60000;       // access control policy cache lifetime
    std::int64_t jwks_refresh_min_ms = 60000;  // an unknown kid refetches the JWKS at most this often
    std::int64_t jwks_max_age_ms = 300000;     // the JWKS is refetched when older (keys the CCF dropped go)
  } security;
  struct Limits {
    std::int64_t header_bytes = 16384;
    std::int64_t body_bytes = 1048576;
    std::int64_t handshake_timeout_ms = 5000;
    std::int64_t read_timeout_ms = 10000;
    std::int64_t write_timeout_ms = 10000;
    std::int64_t idle_timeout_ms = 60000;
    std::int64_t max_connections = 1024;
  } limits;
  struct Log {
    std::string level = "info";
    std::filesystem::path file;
    std::string format = "text";  // text|json
  } log;
  config::AdminConfig admin;  // the admin listener (docs/operations.md); off unless configured
};

AefConfig load_aef_config(const std::filesystem::path& file);
AefConfig aef_config_from_string(const std::string& yaml, const std::filesystem::path& base_dir,
                                 const std::string& source = "<config>");

}  // namespace capif::aef
