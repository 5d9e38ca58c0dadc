#include "capif/config/ccf_config.hpp"
#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using capif::config::ccf_config_from_string;
using capif::config::CcfConfig;
using capif::config::ConfigError;
using capif::config::load_ccf_config;

namespace {

const char* kFull = R"(
ccf:
  id: ccf-a
  api_root: https://ccf.example:8443/
listen:
  address: 0.0.0.0
  port: 9443
  threads: 4
tls:
  server_names: [localhost, ccf.example]
  server_ips: [127.0.0.1, "::1"]
  min_version: "1.3"
data_dir: ./data/ccf-a
limits:
  header_bytes: 8192
  body_bytes: 2048
  handshake_timeout_ms: 1000
  read_timeout_ms: 2000
  write_timeout_ms: 3000
  idle_timeout_ms: 4000
  max_connections: 10
certificates:
  ca_days: 100
  server_days: 50
  client_days: 5
credentials:
  default_ttl_s: 600
log:
  level: debug
  file: logs/ccf.log
)";

const char* kMinimal = R"(
ccf: {id: ccf-b, api_root: "https://127.0.0.1:8443"}
listen: {port: 0}
data_dir: /var/lib/capif
)";

// The errors of a config that must fail to load.
std::vector<std::string> errors_of(const std::string& yaml) {
  try {
    ccf_config_from_string(yaml, "/etc/capif", "test.yaml");
  } catch (const ConfigError& e) {
    return e.errors();
  }
  ADD_FAILURE() << "config was accepted:\n" << yaml;
  return {};
}

bool contains(const std::vector<std::string>& errors, const std::string& text) {
  for (const auto& e : errors)
    if (e.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(Config, FullFileParses) {
  CcfConfig c = ccf_config_from_string(kFull, "/etc/capif");
  EXPECT_EQ(c.ccf.id, "ccf-a");
  EXPECT_EQ(c.ccf.api_root, "https://ccf.example:8443");  // trailing slash dropped
  EXPECT_EQ(c.listen.address, "0.0.0.0");
  EXPECT_EQ(c.listen.port, 9443);
  EXPECT_EQ(c.listen.threads, 4);
  EXPECT_EQ(c.tls.server_names, (std::vector<std::string>{"localhost", "ccf.example"}));
  EXPECT_EQ(c.tls.server_ips, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(c.tls.min_version, "1.3");
  EXPECT_EQ(c.data_dir, std::filesystem::path("/etc/capif/data/ccf-a"));
  EXPECT_EQ(c.limits.header_bytes, 8192);
  EXPECT_EQ(c.limits.body_bytes, 2048);
  EXPECT_EQ(c.limits.handshake_timeout_ms, 1000);
  EXPECT_EQ(c.limits.read_timeout_ms, 2000);
  EXPECT_EQ(c.limits.write_timeout_ms, 3000);
  EXPECT_EQ(c.limits.idle_timeout_ms, 4000);
  EXPECT_EQ(c.limits.max_connections, 10);
  EXPECT_EQ(c.certificates.ca_days, 100);
  EXPECT_EQ(c.certificates.server_days, 50);
  EXPECT_EQ(c.certificates.client_days, 5);
  EXPECT_EQ(c.credentials.default_ttl_s, 600);
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_EQ(c.log.file, std::filesystem::path("/etc/capif/logs/ccf.log"));
}

TEST(Config, DefaultsApplied) {
  CcfConfig c = ccf_config_from_string(kMinimal, "/etc/capif");
  EXPECT_EQ(c.listen.address, "127.0.0.1");
  EXPECT_EQ(c.listen.port, 0);
  EXPECT_EQ(c.listen.threads, 2);
  EXPECT_EQ(c.tls.server_names, std::vector<std::string>{"localhost"});
  EXPECT_EQ(c.tls.server_ips, std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(c.tls.min_version, "1.2");
  EXPECT_EQ(c.data_dir, std::filesystem::path("/var/lib/capif"));  // absolute kept
  EXPECT_EQ(c.limits.header_bytes, 16384);
  EXPECT_EQ(c.limits.body_bytes, 1048576);
  EXPECT_EQ(c.limits.handshake_timeout_ms, 5000);
  EXPECT_EQ(c.limits.read_timeout_ms, 10000);
  EXPECT_EQ(c.limits.write_timeout_ms, 10000);
  EXPECT_EQ(c.limits.idle_timeout_ms, 60000);
  EXPECT_EQ(c.limits.max_connections, 1024);
  EXPECT_EQ(c.certificates.ca_days, 3650);
  EXPECT_EQ(c.certificates.server_days, 825);
  EXPECT_EQ(c.certificates.client_days, 365);
  EXPECT_EQ(c.credentials.default_ttl_s, 3600);
  EXPECT_EQ(c.log.level, "info");
  EXPECT_TRUE(c.log.file.empty());
}

TEST(Config, UnknownKeysReportedWithFullPath) {
  auto errors = errors_of(std::string(kMinimal) + "extra: 1\ntls:\n  foo: bar\nlimits:\n  body_byte: 10\n");
  EXPECT_TRUE(contains(errors, "extra: unknown key"));
  EXPECT_TRUE(contains(errors, "tls.foo: unknown key"));
  EXPECT_TRUE(contains(errors, "limits.body_byte: unknown key"));
  EXPECT_EQ(errors.size(), 3u);
}

TEST(Config, AllErrorsReportedAtOnce) {
  try {
    ccf_config_from_string(
        "ccf: {id: 'bad id!', api_root: http://x}\nlisten: {port: 70000, threads: 0}\n"
        "log: {level: loud}\n",
        "/etc/capif", "ccf.yaml");
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    std::string what = e.what();
    for (const char* expected : {"ccf.yaml: ccf.id: must be", "ccf.yaml: ccf.api_root: must be an https URL",
                                 "ccf.yaml: listen.port: must be an integer between 0 and 65535",
                                 "ccf.yaml: listen.threads: must be an integer between 1 and 64",
                                 "ccf.yaml: data_dir: is required", "ccf.yaml: log.level: must be one of"})
      EXPECT_NE(what.find(expected), std::string::npos) << expected << "\n" << what;
    EXPECT_EQ(e.errors().size(), 6u) << what;
    EXPECT_EQ(std::count(what.begin(), what.end(), '\n'), 5) << "one error per line";
  }
}

TEST(Config, MissingRequiredSections) {
  auto errors = errors_of("");
  EXPECT_TRUE(contains(errors, "ccf.id: is required"));
  EXPECT_TRUE(contains(errors, "ccf.api_root: is required"));
  EXPECT_TRUE(contains(errors, "listen.port: is required"));
  EXPECT_TRUE(contains(errors, "data_dir: is required"));
}

TEST(Config, WrongTypes) {
  auto errors = errors_of(
      "ccf: {id: [a], api_root: https://h}\nlisten: {port: \"8443\", threads: 2.5}\n"
      "tls: {server_names: localhost, server_ips: [{a: 1}]}\ndata_dir: {x: 1}\nlimits: 5\n"
      "log: {file: [x]}\n");
  EXPECT_TRUE(contains(errors, "ccf.id: must be a string"));
  EXPECT_TRUE(contains(errors, "listen.port: must be an integer"));  // quoted number is a string
  EXPECT_TRUE(contains(errors, "listen.threads: must be an integer"));
  EXPECT_TRUE(contains(errors, "tls.server_names: must be a list of strings"));
  EXPECT_TRUE(contains(errors, "tls.server_ips[0]: must be a string"));
  EXPECT_TRUE(contains(errors, "data_dir: must be a path string"));
  EXPECT_TRUE(contains(errors, "limits: must be a mapping"));
  EXPECT_TRUE(contains(errors, "log.file: must be a path string"));
  EXPECT_EQ(errors.size(), 8u);
}

TEST(Config, DuplicateKeyRejected) {
  auto errors = errors_of(std::string(kMinimal) + "data_dir: /other\n");
  EXPECT_TRUE(contains(errors, "data_dir: duplicate key"));
}

TEST(Config, RelativeDataDirResolvedAgainstConfigFolder) {
  auto dir = std::filesystem::temp_directory_path() / ("capif-cfg-" + capif::crypto::random_id(""));
  std::filesystem::create_directories(dir / "etc");
  capif::crypto::write_file_atomic(dir / "etc" / "ccf.yaml", kFull, false);
  CcfConfig c = load_ccf_config(dir / "etc" / "ccf.yaml");
  EXPECT_EQ(c.data_dir, dir / "etc" / "data" / "ccf-a");
  EXPECT_EQ(c.log.file, dir / "etc" / "logs" / "ccf.log");
  std::filesystem::remove_all(dir);
}

TEST(Config, SyntaxErrorHasLineNumber) {
  try {
    ccf_config_from_string("ccf:\n  id: a\n  api_root: [unclosed\nlisten: {port: 1}\n", "/", "bad.yaml");
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    std::string what = e.what();
    EXPECT_EQ(what.rfind("bad.yaml: line ", 0), 0u) << what;
    EXPECT_NE(what.find("column"), std::string::npos) << what;
  }
}

TEST(Config, MissingFile) {
  EXPECT_THROW(load_ccf_config("/nonexistent/ccf.yaml"), ConfigError);
}

TEST(Config, SecuritySection) {
  CcfConfig d = ccf_config_from_string(kMinimal, "/etc/capif");
  EXPECT_EQ(d.security.allowed_methods, (std::vector<std::string>{"PSK", "PKI", "OAUTH"}));
  EXPECT_EQ(d.security.token_ttl_s, 600);
  EXPECT_EQ(d.security.access_control.allowed_total_invocations, 0);
  EXPECT_EQ(d.security.access_control.allowed_invocations_per_second, 0);
  EXPECT_TRUE(d.security.access_control.allowed_time_ranges.empty());
  EXPECT_EQ(d.security.notifications.timeout_ms, 5000);

  CcfConfig c = ccf_config_from_string(std::string(kMinimal) + R"(
security:
  allowed_methods: [OAUTH, PKI]
  token_ttl_s: 120
  access_control:
    allowed_total_invocations: 100
    allowed_invocations_per_second: 5
    allowed_time_ranges: ["2025-01-01T08:00:00Z/2025-12-31T18:00:00Z"]
  notifications: {timeout_ms: 1500}
)",
                                       "/etc/capif");
  EXPECT_EQ(c.security.allowed_methods, (std::vector<std::string>{"OAUTH", "PKI"}));
  EXPECT_EQ(c.security.token_ttl_s, 120);
  EXPECT_EQ(c.security.access_control.allowed_total_invocations, 100);
  EXPECT_EQ(c.security.access_control.allowed_invocations_per_second, 5);
  EXPECT_EQ(c.security.access_control.allowed_time_ranges,
            std::vector<std::string>{"2025-01-01T08:00:00Z/2025-12-31T18:00:00Z"});
  EXPECT_EQ(c.security.notifications.timeout_ms, 1500);
}

TEST(Config, SecuritySectionIsStrict) {
  auto errors = errors_of(std::string(kMinimal) + R"(
security:
  allowed_methods: [PSK, TLS, PSK]
  token_ttl_s: 5
  tokens: 1
  access_control:
    allowed_total_invocations: -1
    allowed_time_ranges: ["08:00-18:00"]
  notifications: {timeout_ms: 0}
)");
  EXPECT_TRUE(contains(errors, "security.allowed_methods[1]")) << errors.size();
  EXPECT_TRUE(contains(errors, "security.allowed_methods[2]"));
  EXPECT_TRUE(contains(errors, "security.token_ttl_s"));
  EXPECT_TRUE(contains(errors, "security.tokens"));
  EXPECT_TRUE(contains(errors, "security.access_control.allowed_total_invocations"));
  EXPECT_TRUE(contains(errors, "security.access_control.allowed_time_ranges[0]"));
  EXPECT_TRUE(contains(errors, "security.notifications.timeout_ms"));
}
