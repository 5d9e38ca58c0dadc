#include "aef/config.hpp"

#include <gtest/gtest.h>

using capif::aef::aef_config_from_string;
using capif::config::ConfigError;

namespace {
const char* kGood = R"(
ccf:
  id: ccf-a
  api_root: https://127.0.0.1:8443/
  ca_file: ccf-ca.crt
  credential_file: provider.jwt
data_dir: data/aef
listen:
  address: 127.0.0.1
  port: 9443
apis:
  - apiName: weather
    prefix: /weather
    securityMethods: [PKI, OAUTH]
    resources:
      - {name: forecast, uri: /forecast, operations: [GET]}
  - apiName: hello
    version: v2
    prefix: /hello/v2
upstream:
  url: http://127.0.0.1:8080/
logs:
  batch_size: 10
security:
  token_leeway_s: 5
)";

std::string errors_of(const std::string& yaml) {
  try {
    aef_config_from_string(yaml, "/etc/capif");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(AefConfig, ReadsEveryKeyAndResolvesPaths) {
  auto c = aef_config_from_string(kGood, "/etc/capif");
  EXPECT_EQ(c.ccf.api_root, "https://127.0.0.1:8443");
  EXPECT_EQ(c.ccf.ca_file, "/etc/capif/ccf-ca.crt");
  EXPECT_EQ(c.data_dir, "/etc/capif/data/aef");
  ASSERT_EQ(c.apis.size(), 2u);
  EXPECT_EQ(c.apis[0].securityMethods, (std::vector<std::string>{"PKI", "OAUTH"}));
  ASSERT_EQ(c.apis[0].resources.size(), 1u);
  EXPECT_EQ(c.apis[0].resources[0].uri, "/forecast");
  EXPECT_EQ(c.apis[1].version, "v2");
  EXPECT_EQ(c.apis[1].securityMethods.size(), 3u);  // default: all three
  EXPECT_EQ(c.apis[1].resources.size(), 1u);        // default resource
  EXPECT_EQ(c.upstream.url, "http://127.0.0.1:8080");
  EXPECT_EQ(c.logs.batch_size, 10);
  EXPECT_EQ(c.security.token_leeway_s, 5);
}

TEST(AefConfig, ReportsEveryErrorAtOnce) {
  auto e = errors_of(R"(
ccf: {id: c, api_root: http://x, ca_file: ca.crt}
data_dir: d
listen: {port: 1}
apis:
  - {apiName: a, prefix: /a/, securityMethods: [TLS], typo: 1}
  - {apiName: a, prefix: /b}
upstream: {url: ftp://x}
security: {token_leeway_s: 60}
)");
  EXPECT_NE(e.find("ccf.api_root: must be an https:// URL"), std::string::npos) << e;
  EXPECT_NE(e.find("apis[0].prefix"), std::string::npos) << e;
  EXPECT_NE(e.find("apis[0].securityMethods: 'TLS'"), std::string::npos) << e;
  EXPECT_NE(e.find("apis[0].typo: unknown key"), std::string::npos) << e;
  EXPECT_NE(e.find("apis[1].apiName: is used twice"), std::string::npos) << e;
  EXPECT_NE(e.find("upstream.url"), std::string::npos) << e;
  EXPECT_NE(e.find("security.token_leeway_s"), std::string::npos) << e;
}

TEST(AefConfig, RequiresApisAndCcf) {
  auto e = errors_of("data_dir: d\nlisten: {port: 1}\n");
  EXPECT_NE(e.find("ccf.id: is required"), std::string::npos) << e;
  EXPECT_NE(e.find("apis: is required"), std::string::npos) << e;
  EXPECT_NE(errors_of(std::string(kGood) + "apis2: 1\n").find("apis2: unknown key"), std::string::npos);
}
