#pragma once
// The CCF's registry: SQLite is the durable truth (a write is committed before it is acknowledged);
// an in-memory copy with indexes serves reads, so discovery never scans the database.
#include "capif/identity.hpp"
#include "capif/model/api_invoker_management.hpp"
#include "capif/model/api_provider_management.hpp"
#include "capif/model/publish_service_api.hpp"
#include "capif/store/sqlite.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace capif::ccf {

struct InvokerRecord {
  model::APIInvokerEnrolmentDetails details;  // onboardingSecret not kept: only its hash
  std::string cert_fingerprint;
  std::string secret_hash;
};

struct ProviderFunction {
  model::APIProviderFunctionDetails details;
  std::string cert_fingerprint;
};

struct ProviderDomainRecord {
  model::APIProviderEnrolmentDetails details;  // apiProvFuncs kept in `functions`
  std::vector<ProviderFunction> functions;
  const ProviderFunction* function(const std::string& id) const;
};

struct ServiceApiRecord {
  std::string apf_id;
  model::ServiceAPIDescription api;  // apiId set
  std::string discovery_json;        // the API as discovery returns it, serialised once
};

class CcfStore {
 public:
  explicit CcfStore(const std::filesystem::path& file);

  // Identity: the principal a current certificate (by SHA-256 fingerprint) belongs to.
  std::optional<Principal> principal_for(const std::string& fingerprint) const;

  void put_invoker(const InvokerRecord& rec);  // insert or replace
  void delete_invoker(const std::string& id);
  std::optional<InvokerRecord> invoker(const std::string& id) const;

  void put_provider(const ProviderDomainRecord& rec);  // insert or replace, functions included
  // Removes the domain, its functions and every API its APFs published.
  void delete_provider(const std::string& dom_id);
  std::optional<ProviderDomainRecord> provider(const std::string& dom_id) const;
  // Domain of a provider function id.
  std::optional<std::string> domain_of_function(const std::string& func_id) const;

  void put_service_api(const ServiceApiRecord& rec);
  void delete_service_api(const std::string& api_id);
  std::optional<ServiceApiRecord> service_api(const std::string& api_id) const;
  std::vector<ServiceApiRecord> service_apis_of(const std::string& apf_id) const;

  // Discovery: candidates by index (api name or AEF id) or all; fn returns false to stop early.
  void for_each_api(const std::optional<std::string>& api_name, const std::optional<std::string>& aef_id,
                    const std::function<void(const ServiceApiRecord&)>& fn) const;
  std::size_t service_api_count() const;

 private:
  void load();
  void index_api(const std::shared_ptr<const ServiceApiRecord>& rec);
  void unindex_api(const ServiceApiRecord& rec);
  void remove_api_locked_db(store::Database& db, const std::string& api_id);

  store::Database db_;
  std::mutex write_mutex_;           // serialises writers across the DB commit and the memory update
  mutable std::shared_mutex mutex_;  // guards the in-memory state
  std::unordered_map<std::string, Principal> principals_;  // cert fingerprint -> principal
  std::unordered_map<std::string, InvokerRecord> invokers_;
  std::unordered_map<std::string, ProviderDomainRecord> providers_;
  std::unordered_map<std::string, std::string> function_domain_;
  std::unordered_map<std::string, std::shared_ptr<const ServiceApiRecord>> apis_;
  std::unordered_multimap<std::string, std::string> apis_by_name_;
  std::unordered_multimap<std::string, std::string> apis_by_aef_;
  std::unordered_multimap<std::string, std::string> apis_by_apf_;
};

std::string discovery_json(const model::ServiceAPIDescription& api);

}  // namespace capif::ccf
