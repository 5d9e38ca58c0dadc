// The admin: section (docs/operations.md): absent = no listener; strict like the rest of the file.
#include "capif/config/ccf_config.hpp"

#include <gtest/gtest.h>

using namespace capif::config;

namespace {
const std::string kBase =
    "ccf: {id: ccf-a, api_root: https://127.0.0.1:8443}\nlisten: {port: 8443}\ndata_dir: d\n";
std::string errors_of(const std::string& yaml) {
  try {
    ccf_config_from_string(yaml, "/tmp");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return {};
}
}  // namespace

TEST(AdminConfig, AbsentMeansNoListener) {
  EXPECT_FALSE(ccf_config_from_string(kBase, "/tmp").admin.enabled);
}

TEST(AdminConfig, PresentSectionEnablesItWithItsAddressAndPort) {
  const auto c = ccf_config_from_string(kBase + "admin: {address: 10.99.0.11, port: 9090}\n", "/tmp");
  EXPECT_TRUE(c.admin.enabled);
  EXPECT_EQ(c.admin.address, "10.99.0.11");
  EXPECT_EQ(c.admin.port, 9090);
  EXPECT_EQ(ccf_config_from_string(kBase + "admin: {port: 0}\n", "/tmp").admin.address, "127.0.0.1");
}

TEST(AdminConfig, ErrorsAreReported) {
  EXPECT_NE(errors_of(kBase + "admin: {address: 127.0.0.1}\n").find("admin.port"), std::string::npos);
  EXPECT_NE(errors_of(kBase + "admin: {address: localhost, port: 1}\n").find("admin.address"),
            std::string::npos);
  EXPECT_NE(errors_of(kBase + "admin: {port: 1, tls: true}\n").find("admin.tls"), std::string::npos);
  EXPECT_NE(errors_of(kBase + "log: {format: xml}\n").find("log.format"), std::string::npos);
}
