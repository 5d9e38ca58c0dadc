// Known answers for the AEFPSK derivation (TS 33.122 A.1 over the TS 33.220 B.2 KDF). The expected
// values were computed independently with Python's hmac module from S = FC || P0 || L0 || P1 || L1.
#include "capif/crypto/kdf.hpp"
#include "capif/crypto/encoding.hpp"
#include "capif/model/publish_service_api.hpp"

#include <gtest/gtest.h>

using namespace capif;

namespace {
std::string bytes_from(int start, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>(start + i));
  return s;
}
}  // namespace

TEST(Aefpsk, Tls12KnownAnswer) {
  // Key = 48-byte master secret 00..2f, P0 = interface string, P1 = 32-byte session id 64..83.
  auto k = crypto::derive_aefpsk(bytes_from(0, 48), "127.0.0.1:9443/weather", bytes_from(100, 32));
  EXPECT_EQ(crypto::hex_encode(k), "e166f27437e41f58e1be935b30e5c4f421c659af740619aa9c036e29db3f6e3e");
}

TEST(Aefpsk, EmptySessionIdStillEncodesItsLength) {
  // The TLS 1.3 variant: P1 empty, L1 = 0x0000 is still part of S.
  auto k = crypto::derive_aefpsk(std::string(32, '\x0b'), "aef.example.com", "");
  EXPECT_EQ(crypto::hex_encode(k), "12ee8c2e3d47b343998fc3134907e95e2ad4e7d81e2086e140e225e9d47ddef5");
}

TEST(Aefpsk, LengthsAreTwoByteBigEndian) {
  // Moving one byte from P0 to P1 changes S (the lengths separate the fields), so the key changes.
  auto a = crypto::kdf_33220("k", 0x7A, {"ab", "c"});
  auto b = crypto::kdf_33220("k", 0x7A, {"a", "bc"});
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_THROW(crypto::kdf_33220("k", 0x7A, {std::string(70000, 'x')}), std::exception);
}

TEST(Aefpsk, InterfaceStringIsCanonical) {
  model::InterfaceDescription v4;
  v4.ipv4Addr = "127.0.0.1";
  v4.port = 9443;
  v4.apiPrefix = "/weather";
  EXPECT_EQ(model::aef_interface_string(v4), "127.0.0.1:9443/weather");
  model::InterfaceDescription v6;
  v6.ipv6Addr = "::1";
  EXPECT_EQ(model::aef_interface_string(v6), "[::1]:443");
  model::AefProfile p;
  p.domainName = "aef.example.com:8443";
  EXPECT_EQ(model::aef_interface_string(p), "aef.example.com:8443");
  p.domainName.reset();
  p.interfaceDescriptions = std::vector<model::InterfaceDescription>{v4, v6};
  EXPECT_EQ(model::aef_interface_string(p), "127.0.0.1:9443/weather");
}
