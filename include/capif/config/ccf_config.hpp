#pragma once
// The capif-ccf configuration file (YAML). Every mapping is strict: unknown keys are errors.
#include "capif/config/admin_config.hpp"
#include "capif/config/yaml_reader.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace capif::config {

struct CcfConfig {
  struct Ccf {
    std::string id;        // required, [A-Za-z0-9._-]{1,64}
    std::string api_root;  // required https URL (no trailing '/'), used in Location headers
  } ccf;
  struct Listen {
    std::string address = "127.0.0.1";  // IPv4 or IPv6 literal
    int port = 8443;                    // required; 0 = ephemeral (tests)
    int threads = 2;
  } listen;
  struct Tls {
    std::vector<std::string> server_names{"localhost"};  // DNS SANs of the server certificate
    std::vector<std::string> server_ips{"127.0.0.1"};    // IP SANs
    std::string min_version = "1.2";                     // "1.2" or "1.3"
  } tls;
  std::filesystem::path data_dir;  // required; absolute after loading
  struct Limits {
    std::int64_t header_bytes = 16384;
    std::int64_t body_bytes = 1048576;
    std::int64_t handshake_timeout_ms = 5000;
    std::int64_t read_timeout_ms = 10000;  // whole request
    std::int64_t write_timeout_ms = 10000;
    std::int64_t idle_timeout_ms = 60000;  // keep-alive idle
    std::int64_t max_connections = 1024;
  } limits;
  struct Certificates {
    int ca_days = 3650;
    int server_days = 825;
    int client_days = 365;  // invoker and provider function certificates
  } certificates;
  struct Credentials {
    std::int64_t default_ttl_s = 3600;  // onboarding credentials minted by `capif-ccf credential`
  } credentials;
  // CAPIF-2/2e security (docs/security.md): negotiation policy, tokens, access control, notifications.
  struct Security {
    std::vector<std::string> allowed_methods{"PSK", "PKI", "OAUTH"};  // the CCF's policy
    std::int64_t token_ttl_s = 600;                                   // access token lifetime
    struct AccessControl {  // applied to every invoker that negotiated an API; 0 = unlimited
      std::int64_t allowed_total_invocations = 0;
      std::int64_t allowed_invocations_per_second = 0;
      // ISO 8601 intervals "START/STOP" of RFC 3339 date-times (TimeRangeList); empty = any time.
      std::vector<std::string> allowed_time_ranges;
    } access_control;
    struct Notifications {
      std::int64_t timeout_ms = 5000;  // outbound SecurityNotification / revoke-authorization calls
    } notifications;
  } security;
  // Outbound notifications (events, SecurityNotification, revoke-authorization): each is kept in the
  // store until delivered, retried with exponential backoff, and given up after give_up_after_s.
  struct Notifications {
    std::int64_t timeout_ms = 5000;           // connect and request timeout of one attempt (events)
    std::int64_t retry_initial_ms = 1000;     // first backoff; doubles per failed attempt
    std::int64_t retry_max_ms = 60000;        // backoff ceiling
    std::int64_t give_up_after_s = 86400;     // a notification this old is dropped (logged and counted)
    std::int64_t max_response_bytes = 65536;  // body limit of a callback's answer
  } notifications;
  struct Onboarding {
    // Onboarding POSTs (and updates that change what the operator approves) are answered 202 and wait for
    // `capif-ccf approve|reject`; the invoker learns the outcome by an OnboardingNotification.
    bool require_approval = false;
    std::int64_t pending_ttl_s = 604800;  // an undecided request is rejected this long after it was made
  } onboarding;
  // CAPIF-6/6e: the CCFs this one interconnects with (docs/interconnect.md). Mutual TLS both ways: a peer is
  // recognised by a client certificate chained to its trust_anchor whose CN is its id.
  struct Peer {
    std::string id;                    // the peer's CCF id (CN of its certificates)
    std::string api_root;              // https URL of its CAPIF APIs
    std::filesystem::path trust_anchor;  // PEM CA that signs the peer's (and its AEFs') certificates
    std::string link = "CAPIF-6";      // "CAPIF-6" (same trust domain) or "CAPIF-6e" (another provider)
    std::string provider_domain;       // its CAPIF provider domain, matched against shareableInfo.capifProvDoms
    std::filesystem::path client_cert;  // what we present to it; empty = this CCF's own certificate
    std::filesystem::path client_key;
    // What crosses the link: publish (our shareable APIs go to it, its publications are accepted),
    // discover (it may query our Discover API), security (negotiation, key/CA fetch, tokens, revocation).
    std::vector<std::string> share{"publish", "discover", "security"};
    std::int64_t timeout_ms = 3000;         // one forwarded request, connect included
    std::int64_t sync_interval_ms = 5000;   // publication reconciliation when nothing triggers it
    bool shares(const std::string& what) const;
  };
  std::vector<Peer> peers;
  const Peer* peer(const std::string& id) const;
  struct Log {
    std::string level = "info";  // trace|debug|info|warn|error|off
    std::filesystem::path file;  // empty = stderr; else absolute after loading
    std::string format = "text";  // text|json (one JSON object per line)
  } log;
  AdminConfig admin;  // the admin listener (/healthz, /readyz, /metrics); off unless configured
};

// Throws ConfigError listing every problem of the file.
CcfConfig load_ccf_config(const std::filesystem::path& file);
// For the embedded default config and tests: relative paths resolve against base_dir; errors name source.
CcfConfig ccf_config_from_string(const std::string& yaml, const std::filesystem::path& base_dir,
                                 const std::string& source = "<config>");

}  // namespace capif::config
