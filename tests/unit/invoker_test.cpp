// capif-invoker: state directory, sidecar config, AEF URL building, scopes, negotiation bookkeeping and the
// renegotiation decision.
#include "capif/config/yaml_reader.hpp"
#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"
#include "invoker/client/aef_client.hpp"
#include "invoker/client/operations.hpp"
#include "invoker/client/scope.hpp"
#include "invoker/errors.hpp"
#include "invoker/sidecar/config.hpp"
#include "invoker/state/state_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

using namespace capif::invoker;
namespace fs = std::filesystem;

namespace {
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("inv-unit-" + capif::crypto::random_id(""));
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};
unsigned mode_of(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}
capif::model::AefProfile profile_ipv4(std::optional<std::int64_t> port, std::optional<std::string> prefix) {
  capif::model::AefProfile p;
  p.aefId = "AEF1";
  capif::model::InterfaceDescription i;
  i.ipv4Addr = "10.0.0.1";
  i.port = port;
  i.apiPrefix = prefix;
  p.interfaceDescriptions = std::vector{i};
  return p;
}
}  // namespace

TEST(InvokerState, IdentitySecretsAre0600AndRoundTrip) {
  TempDir t;
  StateDir s(t.path / "state");
  EXPECT_EQ(mode_of(t.path / "state"), 0700u);
  EXPECT_FALSE(s.onboarded());
  EXPECT_THROW(s.require_identity(), InvokerError);
  s.save_ccf({"https://ccf:8443", "CA PEM", "https://n/x"});
  s.save_identity(
      {"INV1", "KEY", "CERT", "SECRET"},
      {{"apiInvokerId", "INV1"},
       {"onboardingInformation", {{"onboardingSecret", "SECRET"}, {"apiInvokerCertificate", "CERT"}}}});
  EXPECT_TRUE(s.onboarded());
  auto id = s.require_identity();
  EXPECT_EQ(id.invoker_id, "INV1");
  EXPECT_EQ(id.onboarding_secret, "SECRET");
  EXPECT_EQ(s.require_ccf().api_root, "https://ccf:8443");
  EXPECT_EQ(s.require_ccf().ca_pem, "CA PEM");
  EXPECT_EQ(mode_of(s.path() / "invoker.key"), 0600u);
  EXPECT_EQ(mode_of(s.path() / "onboarding_secret"), 0600u);
  // invoker.json never carries the secret
  EXPECT_EQ(capif::crypto::read_file(s.path() / "invoker.json").find("SECRET"), std::string::npos);

  s.save_aefpsks({{"AEF1", Aefpsk{"10.0.0.1:443/a", std::string(32, '\x01'), "TLSv1.2", 5}}});
  EXPECT_EQ(mode_of(s.path() / "aefpsk.json"), 0600u);
  EXPECT_EQ(s.load_aefpsks().at("AEF1").key, std::string(32, '\x01'));
  s.save_tokens({Token{"tok", "3gpp#AEF1:a", 100, 50}});
  EXPECT_EQ(mode_of(s.path() / "tokens.json"), 0600u);
  EXPECT_EQ(s.load_tokens().at(0).access_token, "tok");

  Negotiation n;
  n.created = true;
  n.entries.push_back({"AEF1", "API1", "a", {"PSK", "OAUTH"}, "PSK"});
  s.save_negotiation(n);
  auto back = s.load_negotiation();
  EXPECT_TRUE(back.created);
  ASSERT_EQ(back.entries.size(), 1u);
  EXPECT_EQ(back.entries[0].selected, "PSK");
  EXPECT_EQ(back.entries[0].pref_methods, (std::vector<std::string>{"PSK", "OAUTH"}));

  s.clear_identity();
  EXPECT_FALSE(s.onboarded());
  EXPECT_TRUE(s.load_aefpsks().empty());
  EXPECT_TRUE(s.load_ccf().has_value()) << "the CCF settings survive offboarding";
}

TEST(InvokerState, DiscoveredMergesByApiId) {
  TempDir t;
  StateDir s(t.path);
  capif::model::ServiceAPIDescription a, b, a2;
  a.apiName = "x";
  a.apiId = "1";
  b.apiName = "y";
  b.apiId = "2";
  a2.apiName = "x";
  a2.apiId = "1";
  a2.description = "new";
  s.merge_discovered({a, b});
  s.merge_discovered({a2});
  auto all = s.load_discovered();
  ASSERT_EQ(all.size(), 2u);
  for (const auto& d : all)
    if (d.apiId == "1") EXPECT_EQ(d.description, "new");
}

TEST(InvokerAefUrl, FromInterfaceDescription) {
  EXPECT_EQ(aef_api_url(profile_ipv4(9443, "/weather"), "/items?x=1"),
            "https://10.0.0.1:9443/weather/items?x=1");
  EXPECT_EQ(aef_api_url(profile_ipv4(std::nullopt, std::nullopt), "items"), "https://10.0.0.1:443/items");
  EXPECT_EQ(aef_api_url(profile_ipv4(8443, "weather/"), "/"), "https://10.0.0.1:8443/weather/");
  auto p = profile_ipv4(8443, "/v");
  (*p.interfaceDescriptions)[0].ipv4Addr.reset();
  (*p.interfaceDescriptions)[0].ipv6Addr = "2001:db8::1";
  EXPECT_EQ(aef_origin(p), "https://[2001:db8::1]:8443");
  (*p.interfaceDescriptions)[0].ipv6Addr.reset();
  (*p.interfaceDescriptions)[0].fqdn = "aef.example.com";
  EXPECT_EQ(aef_api_url(p, "/r"), "https://aef.example.com:8443/v/r");
}

TEST(InvokerAefUrl, FromDomainNameAndNothing) {
  capif::model::AefProfile p;
  p.aefId = "AEF2";
  p.domainName = "api.example.com:7443";
  EXPECT_EQ(aef_api_url(p, "/r"), "https://api.example.com:7443/r");
  p.domainName.reset();
  EXPECT_THROW(aef_origin(p), InvokerError);
}

TEST(InvokerScope, BuildParseCover) {
  EXPECT_EQ(build_scope({{"AEF1", {"a", "b"}}, {"AEF2", {"c"}}}), "3gpp#AEF1:a,b;AEF2:c");
  EXPECT_THROW(build_scope({}), InvokerError);
  EXPECT_THROW(build_scope({{"AEF1", {}}}), InvokerError);
  EXPECT_THROW(build_scope({{"AE;F", {"a"}}}), InvokerError);
  auto m = parse_scope("3gpp#AEF1:a,b;AEF2:c");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->at("AEF1"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(parse_scope("AEF1:a"));
  EXPECT_FALSE(parse_scope("3gpp#AEF1"));
  EXPECT_FALSE(parse_scope("3gpp#AEF1:a,"));
  EXPECT_TRUE(scope_covers("3gpp#AEF1:a,b;AEF2:c", "AEF2", "c"));
  EXPECT_FALSE(scope_covers("3gpp#AEF1:a,b;AEF2:c", "AEF2", "a"));
}

TEST(InvokerTokens, UsableTokenHonoursMarginAndScope) {
  std::vector<Token> tokens{{"t1", "3gpp#AEF1:a", 1000, 0}, {"t2", "3gpp#AEF1:a,b", 2000, 0}};
  EXPECT_EQ(usable_token(tokens, "AEF1", "a", 60, 500)->access_token, "t2");
  EXPECT_EQ(usable_token(tokens, "AEF1", "b", 60, 500)->access_token, "t2");
  EXPECT_FALSE(usable_token(tokens, "AEF1", "b", 60, 1950));
  EXPECT_FALSE(usable_token(tokens, "AEF2", "a", 0, 0));
}

TEST(InvokerRenegotiation, OnlySecurityMethodInvalidOn401Or403) {
  const std::string p = R"({"status":403,"cause":"SECURITY_METHOD_INVALID"})";
  EXPECT_TRUE(security_method_invalid(403, p));
  EXPECT_TRUE(security_method_invalid(401, p));
  EXPECT_FALSE(security_method_invalid(400, p));
  EXPECT_FALSE(security_method_invalid(403, R"({"cause":"OTHER"})"));
  EXPECT_FALSE(security_method_invalid(403, "not json"));
  EXPECT_FALSE(security_method_invalid(403, R"({"cause":7})"));
}

TEST(InvokerNegotiation, MergeReplacesEntriesOfTheSameAefAndApi) {
  std::vector<SecurityEntry> stored{{"A", "1", "a", {"PKI"}, "PKI"}, {"B", "2", "b", {"OAUTH"}, "OAUTH"}};
  auto merged = merge_entries(stored, {{"A", "1", "a", {"PSK"}, ""}});
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].aef_id, "B");
  EXPECT_EQ(merged[1].pref_methods, std::vector<std::string>{"PSK"});
  auto body = service_security_body(merged, "https://n");
  EXPECT_EQ(body["securityInfo"].size(), 2u);
  EXPECT_EQ(body["securityInfo"][1]["apiId"], "1");
  EXPECT_FALSE(body["securityInfo"][1].contains("selSecurityMethod"));
  EXPECT_EQ(body["notificationDestination"], "https://n");
  Negotiation n{true, merged};
  EXPECT_EQ(selected_method(n, "B", "2"), "OAUTH");
  EXPECT_EQ(selected_method(n, "A", "1"), "");
  EXPECT_EQ(selected_method(n, "C", "3"), "");
}

TEST(InvokerSidecarConfig, ValidAndStrict) {
  const std::string ok = R"(
ccf:
  api_root: https://127.0.0.1:8443/
  ca_file: ca.crt
  credential_file: cred.jwt
state_dir: state
listen:
  address: 127.0.0.1
  port: 8080
apis:
  - api_name: weather
    aef_id: AEF1
    methods: [PSK, OAUTH]
  - api_name: maps
    methods: [PKI]
token_refresh_margin_s: 30
)";
  auto c = sidecar_config_from_string(ok, "/etc/inv", "test");
  EXPECT_EQ(c.ccf.api_root, "https://127.0.0.1:8443");
  EXPECT_EQ(c.ccf.ca_file, fs::path("/etc/inv/ca.crt"));
  EXPECT_EQ(c.state_dir, fs::path("/etc/inv/state"));
  EXPECT_EQ(c.listen.port, 8080);
  ASSERT_EQ(c.apis.size(), 2u);
  EXPECT_EQ(c.apis[0].methods, (std::vector<std::string>{"PSK", "OAUTH"}));
  EXPECT_EQ(c.apis[1].aef_id, "");
  EXPECT_EQ(c.token_refresh_margin_s, 30);

  const std::string bad = R"(
ccf: {api_root: http://x, ca_file: ca.crt, colour: red}
state_dir: s
listen: {address: 0.0.0.0, port: 8080}
apis:
  - {api_name: a/b, methods: [FOO]}
  - {api_name: c, methods: [PKI, PKI], extra: 1}
)";
  try {
    sidecar_config_from_string(bad, "/tmp", "bad");
    FAIL() << "expected ConfigError";
  } catch (const capif::config::ConfigError& e) {
    const std::string all = e.what();
    for (const char* want :
         {"api_root", "colour", "address", "apis[0].api_name", "FOO", "listed twice", "extra"})
      EXPECT_NE(all.find(want), std::string::npos) << want << " in " << all;
  }
  EXPECT_THROW(sidecar_config_from_string("state_dir: s\n", "/tmp", "x"), capif::config::ConfigError);
}
