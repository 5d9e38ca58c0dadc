// capif-invoker, interconnection (CAPIF-6/6e): the onboarded CCF's id (credential iss, overrides, old
// state), designatedCcfId in the negotiation and what the answer brings back, the trust anchor of a remote
// AEF, and onboardedCcfId in check-authentication.
#include "capif/config/yaml_reader.hpp"
#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"
#include "capif/crypto/jwt.hpp"
#include "capif/crypto/pki.hpp"
#include "invoker/client/aef_client.hpp"
#include "invoker/client/operations.hpp"
#include "invoker/errors.hpp"
#include "invoker/sidecar/config.hpp"
#include "invoker/state/state_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace capif::invoker;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("inv-ic-" + capif::crypto::random_id(""));
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

capif::model::ServiceAPIDescription api(const std::string& id, const std::string& name,
                                        const std::string& aef, std::optional<std::string> ccf_id) {
  capif::model::ServiceAPIDescription a;
  a.apiId = id;
  a.apiName = name;
  a.ccfId = std::move(ccf_id);
  capif::model::AefProfile p;
  p.aefId = aef;
  capif::model::Version v;
  v.apiVersion = "v1";
  p.versions = {v};
  capif::model::InterfaceDescription i;
  i.ipv4Addr = "10.0.0.2";
  i.port = 9443;
  p.interfaceDescriptions = std::vector{i};
  a.aefProfiles = std::vector{p};
  return a;
}

SecurityEntry entry(const std::string& aef, const std::string& api_id, const std::string& designated = "") {
  SecurityEntry e;
  e.aef_id = aef;
  e.api_id = api_id;
  e.pref_methods = {"PKI"};
  e.designated_ccf_id = designated;
  return e;
}
}  // namespace

TEST(InvokerInterconnect, CredentialIssuerIsDecodedWithoutVerifying) {
  const auto key = capif::crypto::generate_ec_key_pem();
  auto jwt = capif::crypto::jws_sign_es256({{"iss", "ccf-a"}, {"aud", "capif-onboarding"}}, key, "k");
  EXPECT_EQ(credential_issuer(jwt), "ccf-a");
  // No key is needed: the signature part is not even looked at.
  EXPECT_EQ(credential_issuer(jwt.substr(0, jwt.rfind('.')) + ".forged"), "ccf-a");
  EXPECT_EQ(credential_issuer(capif::crypto::jws_sign_es256({{"aud", "x"}}, key, "k")), "");
  EXPECT_EQ(credential_issuer(capif::crypto::jws_sign_es256({{"iss", 7}}, key, "k")), "");
  EXPECT_EQ(credential_issuer("not-a-jwt"), "");
  EXPECT_EQ(credential_issuer("a.%%%.c"), "");
  EXPECT_EQ(credential_issuer("a." + capif::crypto::base64url_encode("[1]") + ".c"), "");
}

TEST(InvokerInterconnect, CcfIdIsStoredAndOldStateReadsAsEmpty) {
  TempDir t;
  StateDir s(t.path);
  CcfSettings c;
  c.api_root = "https://ccf:8443";
  c.ca_pem = "CA PEM";
  c.ccf_id = "ccf-a";
  s.save_ccf(c);
  EXPECT_EQ(s.require_ccf().ccf_id, "ccf-a");
  // ccf.json as written before interconnection.
  capif::crypto::write_file_atomic(t.path / "ccf.json", R"({"api_root":"https://ccf:8443"})", false);
  EXPECT_EQ(s.require_ccf().ccf_id, "");
  EXPECT_EQ(s.require_ccf().api_root, "https://ccf:8443");

  EXPECT_TRUE(valid_ccf_id("ccf-b.example_1"));
  EXPECT_FALSE(valid_ccf_id(""));
  EXPECT_FALSE(valid_ccf_id("ccf b"));
  EXPECT_FALSE(valid_ccf_id(std::string(65, 'a')));
}

TEST(InvokerInterconnect, DesignatedCcfComesFromTheDiscoveredCcfId) {
  EXPECT_EQ(designated_ccf(api("1", "x", "AEFB", "ccf-b"), "ccf-a"), "ccf-b");
  EXPECT_EQ(designated_ccf(api("1", "x", "AEFB", std::nullopt), "ccf-a"), "");
  EXPECT_EQ(designated_ccf(api("1", "x", "AEF1", "ccf-a"), "ccf-a"), "") << "our own CCF's API is local";
  EXPECT_EQ(designated_ccf(api("1", "x", "AEFB", "ccf-b"), ""), "ccf-b");
}

TEST(InvokerInterconnect, RemoteEntriesNameTheirDesignatedCcf) {
  auto body = service_security_body({entry("AEF1", "1"), entry("AEFB", "2", "ccf-b")}, "https://n");
  ASSERT_EQ(body["securityInfo"].size(), 2u);
  EXPECT_FALSE(body["securityInfo"][0].contains("designatedCcfId"));
  EXPECT_EQ(body["securityInfo"][1]["designatedCcfId"], "ccf-b");
  EXPECT_EQ(body["securityInfo"][1]["aefId"], "AEFB");
}

TEST(InvokerInterconnect, AnswerGivesMethodDesignatedCcfAndTrustAnchor) {
  std::vector<SecurityEntry> entries{entry("AEF1", "1"), entry("AEFB", "2", "ccf-b"),
                                     entry("AEFC", "3", "ccf-c")};
  // Reordered answer: matched by aefId/apiId. A local entry never takes an anchor.
  json info = json::array({
      {{"aefId", "AEFB"},
       {"apiId", "2"},
       {"selSecurityMethod", "PKI"},
       {"designatedCcfId", "ccf-b"},
       {"designatedCcfTrustAnchor", "B CA"}},
      {{"aefId", "AEF1"}, {"apiId", "1"}, {"selSecurityMethod", "PSK"}, {"designatedCcfTrustAnchor", "X"}},
      {{"aefId", "AEFC"}, {"apiId", "3"}, {"selSecurityMethod", "OAUTH"}},
  });
  apply_negotiation_answer(entries, info);
  EXPECT_EQ(entries[0].selected, "PSK");
  EXPECT_EQ(entries[0].designated_ccf_trust_anchor, "");
  EXPECT_EQ(entries[1].selected, "PKI");
  EXPECT_EQ(entries[1].designated_ccf_id, "ccf-b");
  EXPECT_EQ(entries[1].designated_ccf_trust_anchor, "B CA");
  EXPECT_EQ(entries[2].selected, "OAUTH");
  EXPECT_EQ(entries[2].designated_ccf_id, "ccf-c") << "kept from the request when the answer omits it";
  EXPECT_EQ(entries[2].designated_ccf_trust_anchor, "");

  // Persisted in security.json and read back.
  TempDir t;
  StateDir s(t.path);
  s.save_negotiation({true, entries});
  auto back = s.load_negotiation();
  ASSERT_EQ(back.entries.size(), 3u);
  EXPECT_EQ(back.entries[1].designated_ccf_id, "ccf-b");
  EXPECT_EQ(back.entries[1].designated_ccf_trust_anchor, "B CA");
  EXPECT_EQ(back.entries[0].designated_ccf_id, "");
  auto raw = json::parse(capif::crypto::read_file(t.path / "security.json"));
  EXPECT_FALSE(raw["entries"][0].contains("designatedCcfId"));
  EXPECT_EQ(raw["entries"][1]["designatedCcfTrustAnchor"], "B CA");
}

TEST(InvokerInterconnect, RemoteTargetTrustsTheDesignatedCcfsCa) {
  TempDir t;
  StateDir s(t.path);
  s.save_discovered({api("1", "local", "AEF1", std::nullopt), api("2", "remote", "AEFB", "ccf-b")});
  auto local = entry("AEF1", "1");
  local.selected = "PKI";
  auto remote = entry("AEFB", "2", "ccf-b");
  remote.selected = "PKI";
  remote.designated_ccf_trust_anchor = "B CA PEM";
  s.save_negotiation({true, {local, remote}});

  CcfSettings ccf;
  ccf.ca_pem = "A CA PEM";
  ccf.ccf_id = "ccf-a";
  InvokerIdentity id{"INV1", "KEY", "CERT", "S"};

  auto lt = resolve_target(s, "local", "");
  EXPECT_EQ(lt.designated_ccf_id, "");
  auto lc = aef_client_config(ccf, id, lt, "PKI");
  EXPECT_EQ(lc.ca_pem, "A CA PEM");
  EXPECT_EQ(check_authentication_body(ccf, id, lt),
            (json{{"apiInvokerId", "INV1"}, {"supportedFeatures", "0"}}));

  auto rt = resolve_target(s, "remote", "");
  EXPECT_EQ(rt.designated_ccf_id, "ccf-b");
  for (const char* m : {"PKI", "", "PSK"}) {
    auto rc = aef_client_config(ccf, id, rt, m);
    EXPECT_EQ(rc.ca_pem, "B CA PEM") << m;
  }
  auto pki = aef_client_config(ccf, id, rt, "PKI");
  EXPECT_EQ(pki.client_cert_pem, "CERT") << "our own certificate, issued by our CCF";
  EXPECT_EQ(pki.expected_server_cn, "AEFB");
  auto body = check_authentication_body(ccf, id, rt);
  EXPECT_EQ(body["onboardedCcfId"], "ccf-a");
  EXPECT_EQ(body["apiInvokerId"], "INV1");

  // Our CCF's id unknown (state from before interconnection): say so instead of sending a bare request.
  ccf.ccf_id.clear();
  EXPECT_THROW(check_authentication_body(ccf, id, rt), InvokerError);

  // A remote entry without a trust anchor cannot be reached safely.
  remote.designated_ccf_trust_anchor.clear();
  s.save_negotiation({true, {local, remote}});
  EXPECT_THROW(resolve_target(s, "remote", ""), InvokerError);
}

TEST(InvokerInterconnect, SidecarCcfIdOverride) {
  const std::string base = R"(
state_dir: s
listen: {port: 8080}
apis:
  - {api_name: a, methods: [PKI]}
)";
  auto c = sidecar_config_from_string("ccf: {api_root: https://x, ca_file: ca.crt, ccf_id: ccf-a}" + base,
                                      "/tmp", "t");
  EXPECT_EQ(c.ccf.ccf_id, "ccf-a");
  c = sidecar_config_from_string("ccf: {api_root: https://x, ca_file: ca.crt}" + base, "/tmp", "t");
  EXPECT_EQ(c.ccf.ccf_id, "");
  EXPECT_THROW(sidecar_config_from_string("ccf: {api_root: https://x, ca_file: ca.crt, ccf_id: 'a b'}" + base,
                                          "/tmp", "t"),
               capif::config::ConfigError);
}
