// capif-invoker CLI against the real capif-ccf: onboard, discover, security (PSK over TLS 1.2 and 1.3 with
// the AEFPSK checked against what the CCF hands the AEF, PKI, OAUTH), token, offboard.
#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"
#include "capif/crypto/pki.hpp"
#include "capif_parties.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>

using namespace capif::testing;
namespace fs = std::filesystem;

namespace {
struct Run {
  int status = -1;
  json out;  // stdout as JSON (null when not JSON)
  std::string stdout_text, stderr_text;
  json err() const {
    return json::parse(stderr_text.substr(0, stderr_text.find("\nusage:")), nullptr, false);
  }
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

Run invoker(const std::vector<std::string>& args, const fs::path& dir) {
  std::string cmd = quote(CAPIF_INVOKER_BIN);
  for (const auto& a : args) cmd += " " + quote(a);
  const fs::path err = dir / "stderr.txt";
  cmd += " 2>" + quote(err.string());
  Run r;
  FILE* p = ::popen(cmd.c_str(), "r");
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) r.stdout_text.append(buf.data(), n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.stderr_text = capif::crypto::read_file(err);
  r.out = json::parse(r.stdout_text, nullptr, false);
  if (r.out.is_discarded()) r.out = nullptr;
  return r;
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

struct Fixture {
  CcfProcess ccf;
  fs::path dir = ccf.dir() / "invoker";
  fs::path state = dir / "state";
  fs::path ca = dir / "ca.crt";
  Fixture() {
    ccf.start();
    fs::create_directories(dir);
    capif::crypto::write_file_atomic(ca, ccf.ca_pem(), false);
  }
  Run run(std::vector<std::string> args) { return invoker(args, dir); }
  Run onboard() {
    return run({"onboard", "--ccf", ccf.api_root(), "--ca", ca.string(), "--credential",
                ccf.credential("invoker"), "--state", state.string()});
  }
};
}  // namespace

TEST(InvokerCli, OnboardDiscoverOffboard) {
  Fixture f;
  auto r = f.onboard();
  ASSERT_EQ(r.status, 0) << r.stderr_text;
  const std::string id = r.out.at("apiInvokerId");
  EXPECT_EQ(id.rfind("INV", 0), 0u);
  EXPECT_EQ(r.out["certificate"]["subject_cn"], id);
  EXPECT_EQ(mode_of(f.state / "invoker.key"), 0600u);
  EXPECT_EQ(mode_of(f.state / "onboarding_secret"), 0600u);
  EXPECT_TRUE(capif::crypto::verify_cert_signed_by(capif::crypto::read_file(f.state / "invoker.crt"),
                                                   f.ccf.ca_pem()));

  // Onboarding twice is refused locally (exit 4), without a second identity.
  r = f.onboard();
  EXPECT_EQ(r.status, 4);
  EXPECT_NE(r.err().value("error", "").find("already onboarded"), std::string::npos) << r.stderr_text;

  Provider prov = register_provider(f.ccf);
  auto api = publish(f.ccf, prov, service_api_body("weather-api", prov.aef.id));
  publish(f.ccf, prov, service_api_body("maps-api", prov.aef.id));

  r = f.run({"discover", "--state", f.state.string(), "--api-name", "weather-api"});
  ASSERT_EQ(r.status, 0) << r.stderr_text;
  ASSERT_EQ(r.out["serviceAPIDescriptions"].size(), 1u);
  EXPECT_EQ(r.out["serviceAPIDescriptions"][0]["apiId"], api["apiId"]);
  r = f.run({"discover", "--state", f.state.string(), "--aef-id", prov.aef.id});
  ASSERT_EQ(r.status, 0) << r.stderr_text;
  EXPECT_EQ(r.out["serviceAPIDescriptions"].size(), 2u);
  auto stored = json::parse(capif::crypto::read_file(f.state / "discovered.json"));
  EXPECT_EQ(stored["serviceAPIDescriptions"].size(), 2u);
  r = f.run({"discover", "--state", f.state.string(), "--api-name", "nothing-here"});
  ASSERT_EQ(r.status, 0) << r.stderr_text;
  EXPECT_TRUE(r.out["serviceAPIDescriptions"].empty());

  r = f.run({"offboard", "--state", f.state.string()});
  ASSERT_EQ(r.status, 0) << r.stderr_text;
  EXPECT_EQ(r.out["offboarded"], id);
  EXPECT_FALSE(fs::exists(f.state / "invoker.key"));
  // The CCF forgot the invoker: its certificate no longer authenticates.
  r = f.run({"discover", "--state", f.state.string()});
  EXPECT_EQ(r.status, 4) << "not onboarded any more: " << r.stderr_text;
}

TEST(InvokerCli, UsageErrorsExit2WithJsonOnStderr) {
  Fixture f;
  auto r = f.run({"discover"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err().value("error", ""), "--state is required");
  r = f.run({"onboard", "--ccf", f.ccf.api_root(), "--ca", f.ca.string(), "--credential", "not-a-jwt",
             "--state", f.state.string()});
  EXPECT_EQ(r.status, 1) << r.stderr_text;
  EXPECT_EQ(r.err().value("status", 0), 401);
  r = f.run({"security", "--state", f.state.string(), "--aef-id", "X", "--methods", "FOO"});
  EXPECT_EQ(r.status, 2);
}

TEST(InvokerCli, SecurityNegotiationAefpskAndToken) {
  Fixture f;
  ASSERT_EQ(f.onboard().status, 0);
  Provider prov = register_provider(f.ccf);
  auto body = service_api_body("weather-api", prov.aef.id);
  body["aefProfiles"][0]["securityMethods"] = {"PSK", "PKI", "OAUTH"};
  auto api = publish(f.ccf, prov, body);
  ASSERT_EQ(f.run({"discover", "--state", f.state.string()}).status, 0);
  const std::string invoker_id =
      json::parse(capif::crypto::read_file(f.state / "invoker.json"))["apiInvokerId"];

  // Without discovery of that AEF there is nothing to negotiate.
  auto r = f.run({"security", "--state", f.state.string(), "--aef-id", "AEFunknown", "--methods", "PKI"});
  EXPECT_EQ(r.status, 4) << r.stderr_text;

  // The AEFPSK the invoker derives equals the one the CCF gives the AEF, on TLS 1.2 and on TLS 1.3.
  for (bool tls12 : {true, false}) {
    std::vector<std::string> args{"security",  "--state",   f.state.string(), "--aef-id",
                                  prov.aef.id, "--methods", "PSK,OAUTH"};
    if (tls12) args.push_back("--tls12");
    r = f.run(args);
    ASSERT_EQ(r.status, 0) << r.stderr_text;
    EXPECT_EQ(r.out["securityInfo"][0]["selSecurityMethod"], "PSK");
    ASSERT_EQ(r.out["aefpsk"].size(), 1u);
    EXPECT_EQ(r.out["aefpsk"][0]["tls_version"], tls12 ? "TLSv1.2" : "TLSv1.3");
    EXPECT_EQ(r.out["aefpsk"][0]["interface"], "127.0.0.1:9443/weather-api");
    EXPECT_EQ(mode_of(f.state / "aefpsk.json"), 0600u);
    auto mine = json::parse(capif::crypto::read_file(f.state / "aefpsk.json"))[prov.aef.id]["key"];
    auto g = send(
        *prov.aef.client, "GET",
        f.ccf.api_root() + "/capif-security/v1/trustedInvokers/" + invoker_id + "?authenticationInfo=true");
    ASSERT_EQ(g.status, 200) << g.body;
    EXPECT_EQ(body_json(g)["securityInfo"][0]["authenticationInfo"], mine) << (tls12 ? "TLS 1.2" : "TLS 1.3");
  }

  // Renegotiation to PKI (POST .../update): the AEFPSK is dropped.
  r = f.run({"security", "--state", f.state.string(), "--aef-id", prov.aef.id, "--api-id", api["apiId"],
             "--methods", "PKI"});
  ASSERT_EQ(r.status, 0) << r.stderr_text;
  EXPECT_EQ(r.out["securityInfo"][0]["selSecurityMethod"], "PKI");
  EXPECT_TRUE(json::parse(capif::crypto::read_file(f.state / "aefpsk.json")).empty());

  r = f.run({"security", "--state", f.state.string(), "--aef-id", prov.aef.id, "--methods", "OAUTH"});
  ASSERT_EQ(r.status, 0) << r.stderr_text;
  EXPECT_EQ(r.out["securityInfo"][0]["selSecurityMethod"], "OAUTH");

  const std::string scope = "3gpp#" + prov.aef.id + ":weather-api";
  r = f.run({"token", "--state", f.state.string(), "--scope", scope});
  ASSERT_EQ(r.status, 0) << r.stderr_text;
  EXPECT_EQ(r.out["token_type"], "Bearer");
  EXPECT_GT(r.out["expires_in"].get<int>(), 0);
  EXPECT_EQ(mode_of(f.state / "tokens.json"), 0600u);
  auto tokens = json::parse(capif::crypto::read_file(f.state / "tokens.json"));
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0]["access_token"], r.out["access_token"]);

  // A scope outside what was negotiated/published: AccessTokenErr, exit 1.
  r = f.run({"token", "--state", f.state.string(), "--scope", "3gpp#" + prov.aef.id + ":no-such-api"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err()["problem"].value("error", ""), "invalid_scope") << r.stderr_text;
}
