#include "ccf/store/ccf_store.hpp"

#include "ccf_store_test_support.hpp"

#include "capif/crypto/encoding.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace capif;
using namespace capif::ccf;

namespace {
using store_test::TempDb;

InvokerRecord invoker(const std::string& id, const std::string& fp) {
  InvokerRecord r;
  r.details.apiInvokerId = id;
  r.details.notificationDestination = "https://127.0.0.1/cb";
  r.details.onboardingInformation.apiInvokerPublicKey = "csr";
  r.details.onboardingInformation.apiInvokerCertificate = "cert";
  r.cert_fingerprint = fp;
  r.secret_hash = "hash";
  return r;
}

ProviderFunction function(const std::string& id, model::ApiProviderFuncRole role, const std::string& fp) {
  ProviderFunction f;
  f.details.apiProvFuncId = id;
  f.details.apiProvFuncRole = role;
  f.details.regInfo.apiProvPubKey = "csr-" + id;
  f.details.regInfo.apiProvCert = "cert-" + id;
  f.cert_fingerprint = fp;
  return f;
}

ServiceApiRecord api(const std::string& id, const std::string& apf, const std::string& name,
                     const std::string& aef) {
  ServiceApiRecord r;
  r.apf_id = apf;
  r.api.apiId = id;
  r.api.apiName = name;
  model::AefProfile p;
  p.aefId = aef;
  p.versions.push_back(model::Version{"v1"});
  p.domainName = "aef.example";
  r.api.aefProfiles = std::vector<model::AefProfile>{p};
  r.api.shareableInfo = model::ShareableInformation{true, std::nullopt};
  return r;
}

std::vector<std::string> ids(const CcfStore& s, std::optional<std::string> name,
                             std::optional<std::string> aef) {
  std::vector<std::string> out;
  s.for_each_api(name, aef, [&](const ServiceApiRecord& r) { out.push_back(*r.api.apiId); });
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

TEST(CcfStore, InvokersPersistAndMapCertificatesToPrincipals) {
  TempDb tmp;
  {
    CcfStore s(tmp.file());
    s.put_invoker(invoker("INV1", "fp1"));
    auto p = s.principal_for("fp1");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->kind, PrincipalKind::invoker);
    EXPECT_EQ(p->id, "INV1");
    s.put_invoker(invoker("INV1", "fp2"));  // certificate renewal
    EXPECT_FALSE(s.principal_for("fp1"));
    EXPECT_TRUE(s.principal_for("fp2"));
  }
  CcfStore reopened(tmp.file());
  EXPECT_FALSE(reopened.principal_for("fp1"));
  ASSERT_TRUE(reopened.principal_for("fp2"));
  ASSERT_TRUE(reopened.invoker("INV1"));
  EXPECT_EQ(reopened.invoker("INV1")->secret_hash, "hash");
  reopened.delete_invoker("INV1");
  EXPECT_FALSE(reopened.principal_for("fp2"));
  EXPECT_FALSE(reopened.invoker("INV1"));
}

TEST(CcfStore, ProviderFunctionsAndCascadingDeletion) {
  TempDb tmp;
  CcfStore s(tmp.file());
  ProviderDomainRecord dom;
  dom.details.apiProvDomId = "DOM1";
  dom.details.regSec = "x";
  dom.functions = {function("AMF1", model::ApiProviderFuncRole::AMF, "fa"),
                   function("APF1", model::ApiProviderFuncRole::APF, "fb"),
                   function("AEF1", model::ApiProviderFuncRole::AEF, "fc")};
  s.put_provider(dom);
  EXPECT_EQ(s.principal_for("fb")->kind, PrincipalKind::apf);
  EXPECT_EQ(s.principal_for("fb")->domain, "DOM1");
  EXPECT_EQ(s.domain_of_function("AEF1"), "DOM1");
  s.put_service_api(api("API1", "APF1", "n1", "AEF1"));

  dom.functions.pop_back();  // the AEF is dropped by an update
  s.put_provider(dom);
  EXPECT_FALSE(s.principal_for("fc"));
  EXPECT_FALSE(s.domain_of_function("AEF1"));

  s.delete_provider("DOM1");
  EXPECT_FALSE(s.principal_for("fa"));
  EXPECT_FALSE(s.provider("DOM1"));
  EXPECT_FALSE(s.service_api("API1")) << "APIs of the domain's APFs go with it";
  CcfStore reopened(tmp.file());
  EXPECT_EQ(reopened.service_api_count(), 0u);
  EXPECT_FALSE(reopened.provider("DOM1"));
}

TEST(CcfStore, ServiceApiIndexesFollowUpdatesAndSurviveReopen) {
  TempDb tmp;
  {
    CcfStore s(tmp.file());
    s.put_service_api(api("API1", "APF1", "weather", "AEF1"));
    s.put_service_api(api("API2", "APF1", "weather", "AEF2"));
    s.put_service_api(api("API3", "APF2", "maps", "AEF1"));
    EXPECT_EQ(ids(s, "weather", std::nullopt), (std::vector<std::string>{"API1", "API2"}));
    EXPECT_EQ(ids(s, std::nullopt, "AEF1"), (std::vector<std::string>{"API1", "API3"}));
    s.put_service_api(api("API1", "APF1", "rain", "AEF3"));  // renamed and moved
    EXPECT_EQ(ids(s, "weather", std::nullopt), (std::vector<std::string>{"API2"}));
    EXPECT_EQ(ids(s, std::nullopt, "AEF3"), (std::vector<std::string>{"API1"}));
    EXPECT_EQ(s.service_apis_of("APF1").size(), 2u);
    s.delete_service_api("API2");
  }
  CcfStore s(tmp.file());
  EXPECT_EQ(ids(s, std::nullopt, std::nullopt), (std::vector<std::string>{"API1", "API3"}));
  EXPECT_EQ(ids(s, "rain", std::nullopt), (std::vector<std::string>{"API1"}));
  auto rec = s.service_api("API1");
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->discovery_json.find("shareableInfo"), std::string::npos);
}

TEST(CcfStore, RefusesADatabaseFromANewerVersion) {
  TempDb tmp;
  { CcfStore s(tmp.file()); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(tmp.file().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_THROW(CcfStore s(tmp.file()), store::StoreError);
}

namespace {
SecurityContextRecord security_context(const std::string& invoker_id) {
  SecurityContextRecord r;
  r.api_invoker_id = invoker_id;
  model::SecurityInformation a, b;
  a.aefId = "AEF1";
  a.prefSecurityMethods = {"PSK"};
  a.selSecurityMethod = "PSK";
  b.aefId = "AEF2";
  b.prefSecurityMethods = {"OAUTH"};
  r.security.securityInfo = {a, b};
  r.security.notificationDestination = "https://invoker.example/n";
  // A PSK with NUL and high bytes must come back byte for byte.
  r.entries = {{"AEF1", "10.0.0.1:443/a", {"API1", "API2"}, "PSK", std::string("\x00\xff\x10k", 4)},
               {"AEF2", "aef2.example", {"API3"}, std::nullopt, {}}};
  r.updated_at = 1700000000;
  return r;
}
}  // namespace

TEST(CcfStore, SecurityContextsPersistAndGoWithTheInvoker) {
  TempDb tmp;
  {
    CcfStore s(tmp.file());
    s.put_invoker(invoker("INV1", "fp1"));
    s.put_security_context(security_context("INV1"));
    s.set_revoked_at("INV1", 1700000100);
  }
  CcfStore s(tmp.file());
  auto rec = s.security_context("INV1");
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->security, security_context("INV1").security);
  ASSERT_EQ(rec->entries.size(), 2u);
  EXPECT_EQ(rec->entries[0].psk, std::string("\x00\xff\x10k", 4));
  EXPECT_EQ(rec->entries[0].api_ids, (std::vector<std::string>{"API1", "API2"}));
  EXPECT_EQ(rec->entries[0].method, "PSK");
  EXPECT_FALSE(rec->entries[1].method);
  EXPECT_EQ(rec->updated_at, 1700000000);
  EXPECT_EQ(s.revoked_at("INV1"), 1700000100);
  int n = 0;
  s.for_each_security_context([&](const SecurityContextRecord&) { ++n; });
  EXPECT_EQ(n, 1);

  // Offboarding removes the context, in memory and on disk.
  s.delete_invoker("INV1");
  EXPECT_FALSE(s.security_context("INV1"));
  CcfStore reopened(tmp.file());
  EXPECT_FALSE(reopened.security_context("INV1"));
}

TEST(CcfStore, InvocationLogsByAefAndInvoker) {
  TempDb tmp;
  CcfStore s(tmp.file());
  auto log = [](const std::string& aef, const std::string& inv) {
    model::InvocationLog l;
    l.aefId = aef;
    l.apiInvokerId = inv;
    l.logs = {model::Log{"API1", "weather", "v1", "items", {}, "HTTP_1_1", "GET", "200"}};
    return l;
  };
  s.add_invocation_log({"LOG1", 10, log("AEF1", "INV1")});
  s.add_invocation_log({"LOG2", 11, log("AEF1", "INV2")});
  s.add_invocation_log({"LOG3", 12, log("AEF2", "INV1")});
  EXPECT_EQ(s.invocation_logs({"AEF1"}, std::nullopt).size(), 2u);
  auto one = s.invocation_logs({"AEF1", "AEF2"}, std::string("INV1"));
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[0].log_id, "LOG1");
  EXPECT_EQ(one[1].log.aefId, "AEF2");
  EXPECT_TRUE(s.invocation_logs({"AEF3"}, std::nullopt).empty());
  ASSERT_TRUE(s.invocation_log("LOG2"));
  EXPECT_EQ(s.invocation_log("LOG2")->received_at, 11);
}
