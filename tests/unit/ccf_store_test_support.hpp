#pragma once
// CcfStore test fixtures: a temporary database, records to put in it.
#include "capif/crypto/encoding.hpp"
#include "ccf/store/ccf_store.hpp"

#include <filesystem>

namespace capif::ccf::store_test {

struct TempDb {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("capif-store-" + crypto::random_id(""));
  TempDb() { std::filesystem::create_directories(dir); }
  ~TempDb() { std::filesystem::remove_all(dir); }
  std::filesystem::path file() const { return dir / "ccf.db"; }
};

inline InvokerRecord invoker(const std::string& id) {
  InvokerRecord r;
  r.details.apiInvokerId = id;
  r.details.notificationDestination = "https://127.0.0.1/cb";
  r.details.onboardingInformation.apiInvokerPublicKey = "csr";
  r.details.onboardingInformation.apiInvokerCertificate = "cert";
  r.cert_fingerprint = "fp-" + id;
  r.secret_hash = "hash";
  return r;
}

// Subscribers must exist: a subscription only receives what its subscriber may see (event_entitlement.cpp).
inline void add_provider(CcfStore& s, const std::string& dom, const std::vector<std::string>& aefs_and_amfs) {
  ProviderDomainRecord rec;
  rec.details.apiProvDomId = dom;
  rec.details.regSec = "x";
  for (const auto& id : aefs_and_amfs) {
    ProviderFunction f;
    f.details.apiProvFuncId = id;
    f.details.apiProvFuncRole =
        id.starts_with("AMF") ? model::ApiProviderFuncRole::AMF : model::ApiProviderFuncRole::AEF;
    f.details.regInfo.apiProvPubKey = "csr-" + id;
    f.details.regInfo.apiProvCert = "cert-" + id;
    f.cert_fingerprint = "fp-" + id;
    rec.functions.push_back(std::move(f));
  }
  s.put_provider(rec);
}

inline EventSubscriptionRecord subscription(const std::string& id, const std::string& subscriber,
                                            std::vector<std::string> events) {
  EventSubscriptionRecord r;
  r.subscription_id = id;
  r.subscriber_id = subscriber;
  r.sub.events = std::move(events);
  r.sub.notificationDestination = "http://127.0.0.1:1/" + id;
  r.created_at_ms = 1;
  return r;
}

inline EventOccurrence onboarded(const std::string& id) {
  EventOccurrence ev;
  ev.event = "API_INVOKER_ONBOARDED";
  ev.invoker_ids = {id};
  ev.detail.apiInvokerIds = ev.invoker_ids;
  return ev;
}

}  // namespace capif::ccf::store_test
