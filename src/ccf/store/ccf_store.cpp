#include "ccf/store/ccf_store.hpp"

#include "capif/problem.hpp"

#include <spdlog/spdlog.h>

namespace capif::ccf {
namespace {
using nlohmann::json;

const std::vector<std::string> kMigrations = {
    // 1: registry of invokers, provider domains and their functions, published service APIs.
    R"sql(
    CREATE TABLE invokers(
      api_invoker_id TEXT PRIMARY KEY,
      doc TEXT NOT NULL,
      cert_fingerprint TEXT NOT NULL UNIQUE,
      secret_hash TEXT NOT NULL);
    CREATE TABLE provider_domains(
      api_prov_dom_id TEXT PRIMARY KEY,
      doc TEXT NOT NULL);
    CREATE TABLE provider_functions(
      api_prov_func_id TEXT PRIMARY KEY,
      api_prov_dom_id TEXT NOT NULL REFERENCES provider_domains(api_prov_dom_id) ON DELETE CASCADE,
      role TEXT NOT NULL,
      doc TEXT NOT NULL,
      cert_fingerprint TEXT NOT NULL UNIQUE);
    CREATE INDEX provider_functions_domain ON provider_functions(api_prov_dom_id);
    CREATE TABLE service_apis(
      api_id TEXT PRIMARY KEY,
      apf_id TEXT NOT NULL,
      api_name TEXT NOT NULL,
      doc TEXT NOT NULL);
    CREATE INDEX service_apis_apf ON service_apis(apf_id);
    CREATE INDEX service_apis_name ON service_apis(api_name);
    CREATE TABLE service_api_aefs(
      api_id TEXT NOT NULL REFERENCES service_apis(api_id) ON DELETE CASCADE,
      aef_id TEXT NOT NULL,
      PRIMARY KEY(api_id, aef_id));
    CREATE INDEX service_api_aefs_aef ON service_api_aefs(aef_id);
    )sql",
};

template <class T>
T decode(const std::string& text, const char* what) {
  InvalidParams errs;
  T out;
  if (!model::from_json(json::parse(text), out, "", errs))
    throw store::StoreError(std::string("stored ") + what + " does not validate: " + errs.front().param +
                            " " + errs.front().reason);
  return out;
}

PrincipalKind kind_of(model::ApiProviderFuncRole role) {
  switch (role) {
    case model::ApiProviderFuncRole::AEF:
      return PrincipalKind::aef;
    case model::ApiProviderFuncRole::APF:
      return PrincipalKind::apf;
    case model::ApiProviderFuncRole::AMF:
      return PrincipalKind::amf;
  }
  return PrincipalKind::anonymous;
}

std::vector<std::string> aef_ids(const model::ServiceAPIDescription& api) {
  std::vector<std::string> ids;
  if (api.aefProfiles)
    for (const auto& p : *api.aefProfiles)
      if (std::find(ids.begin(), ids.end(), p.aefId) == ids.end()) ids.push_back(p.aefId);
  return ids;
}

void erase_pair(std::unordered_multimap<std::string, std::string>& m, const std::string& k,
                const std::string& v) {
  auto [b, e] = m.equal_range(k);
  for (auto it = b; it != e; ++it)
    if (it->second == v) {
      m.erase(it);
      return;
    }
}
}  // namespace

std::string discovery_json(const model::ServiceAPIDescription& api) {
  auto copy = api;
  copy.shareableInfo.reset();  // TS 29.222: never returned in discovery results
  return model::to_json(copy).dump();
}

const ProviderFunction* ProviderDomainRecord::function(const std::string& id) const {
  for (const auto& f : functions)
    if (f.details.apiProvFuncId == id) return &f;
  return nullptr;
}

CcfStore::CcfStore(const std::filesystem::path& file) : db_(file, kMigrations) {
  load();
}

void CcfStore::load() {
  db_.query("SELECT doc, cert_fingerprint, secret_hash FROM invokers", {}, [&](const store::Statement& s) {
    InvokerRecord r{decode<model::APIInvokerEnrolmentDetails>(s.text(0), "invoker"), s.text(1), s.text(2)};
    principals_[r.cert_fingerprint] = Principal{PrincipalKind::invoker, *r.details.apiInvokerId, {}};
    invokers_[*r.details.apiInvokerId] = std::move(r);
  });
  db_.query("SELECT doc FROM provider_domains", {}, [&](const store::Statement& s) {
    ProviderDomainRecord r{decode<model::APIProviderEnrolmentDetails>(s.text(0), "provider domain"), {}};
    providers_[*r.details.apiProvDomId] = std::move(r);
  });
  db_.query("SELECT api_prov_dom_id, doc, cert_fingerprint FROM provider_functions", {},
            [&](const store::Statement& s) {
              ProviderFunction f{decode<model::APIProviderFunctionDetails>(s.text(1), "provider function"),
                                 s.text(2)};
              const std::string dom = s.text(0), id = *f.details.apiProvFuncId;
              principals_[f.cert_fingerprint] = Principal{kind_of(f.details.apiProvFuncRole), id, dom};
              function_domain_[id] = dom;
              providers_[dom].functions.push_back(std::move(f));
            });
  db_.query("SELECT apf_id, doc FROM service_apis", {}, [&](const store::Statement& s) {
    auto api = decode<model::ServiceAPIDescription>(s.text(1), "service API");
    auto rec =
        std::make_shared<const ServiceApiRecord>(ServiceApiRecord{s.text(0), api, discovery_json(api)});
    index_api(rec);
  });
  spdlog::info("store: {} invokers, {} provider domains, {} service APIs", invokers_.size(),
               providers_.size(), apis_.size());
}

std::optional<Principal> CcfStore::principal_for(const std::string& fingerprint) const {
  std::shared_lock lock(mutex_);
  auto it = principals_.find(fingerprint);
  if (it == principals_.end()) return std::nullopt;
  return it->second;
}

void CcfStore::put_invoker(const InvokerRecord& rec) {
  const std::string& id = *rec.details.apiInvokerId;
  std::lock_guard writer(write_mutex_);
  db_.transaction([&](store::Database& db) {
    db.exec(
        "INSERT INTO invokers(api_invoker_id, doc, cert_fingerprint, secret_hash) VALUES (?,?,?,?) "
        "ON CONFLICT(api_invoker_id) DO UPDATE SET doc=excluded.doc, "
        "cert_fingerprint=excluded.cert_fingerprint, "
        "secret_hash=excluded.secret_hash",
        {id, model::to_json(rec.details).dump(), rec.cert_fingerprint, rec.secret_hash});
  });
  std::unique_lock lock(mutex_);
  if (auto it = invokers_.find(id); it != invokers_.end()) principals_.erase(it->second.cert_fingerprint);
  principals_[rec.cert_fingerprint] = Principal{PrincipalKind::invoker, id, {}};
  invokers_[id] = rec;
}

void CcfStore::delete_invoker(const std::string& id) {
  std::lock_guard writer(write_mutex_);
  db_.transaction([&](store::Database& db) { db.exec("DELETE FROM invokers WHERE api_invoker_id=?", {id}); });
  std::unique_lock lock(mutex_);
  if (auto it = invokers_.find(id); it != invokers_.end()) {
    principals_.erase(it->second.cert_fingerprint);
    invokers_.erase(it);
  }
}

std::optional<InvokerRecord> CcfStore::invoker(const std::string& id) const {
  std::shared_lock lock(mutex_);
  auto it = invokers_.find(id);
  if (it == invokers_.end()) return std::nullopt;
  return it->second;
}

void CcfStore::put_provider(const ProviderDomainRecord& rec) {
  const std::string& dom = *rec.details.apiProvDomId;
  auto doc = rec.details;
  doc.apiProvFuncs.reset();
  std::lock_guard writer(write_mutex_);
  db_.transaction([&](store::Database& db) {
    db.exec(
        "INSERT INTO provider_domains(api_prov_dom_id, doc) VALUES (?,?) "
        "ON CONFLICT(api_prov_dom_id) DO UPDATE SET doc=excluded.doc",
        {dom, model::to_json(doc).dump()});
    db.exec("DELETE FROM provider_functions WHERE api_prov_dom_id=?", {dom});
    for (const auto& f : rec.functions)
      db.exec(
          "INSERT INTO provider_functions(api_prov_func_id, api_prov_dom_id, role, doc, cert_fingerprint) "
          "VALUES (?,?,?,?,?)",
          {*f.details.apiProvFuncId, dom, std::string(model::to_string(f.details.apiProvFuncRole)),
           model::to_json(f.details).dump(), f.cert_fingerprint});
  });
  std::unique_lock lock(mutex_);
  if (auto it = providers_.find(dom); it != providers_.end())
    for (const auto& f : it->second.functions) {
      principals_.erase(f.cert_fingerprint);
      function_domain_.erase(*f.details.apiProvFuncId);
    }
  for (const auto& f : rec.functions) {
    principals_[f.cert_fingerprint] =
        Principal{kind_of(f.details.apiProvFuncRole), *f.details.apiProvFuncId, dom};
    function_domain_[*f.details.apiProvFuncId] = dom;
  }
  providers_[dom] = rec;
  providers_[dom].details.apiProvFuncs.reset();
}

void CcfStore::delete_provider(const std::string& dom) {
  std::lock_guard writer(write_mutex_);
  auto rec = provider(dom);
  if (!rec) return;
  std::vector<std::string> api_ids;
  {
    std::shared_lock lock(mutex_);
    for (const auto& f : rec->functions) {
      auto [b, e] = apis_by_apf_.equal_range(*f.details.apiProvFuncId);
      for (auto it = b; it != e; ++it) api_ids.push_back(it->second);
    }
  }
  db_.transaction([&](store::Database& db) {
    for (const auto& id : api_ids) db.exec("DELETE FROM service_apis WHERE api_id=?", {id});
    db.exec("DELETE FROM provider_domains WHERE api_prov_dom_id=?", {dom});
  });
  std::unique_lock lock(mutex_);
  for (const auto& id : api_ids)
    if (auto it = apis_.find(id); it != apis_.end()) {
      auto keep = it->second;
      unindex_api(*keep);
    }
  for (const auto& f : rec->functions) {
    principals_.erase(f.cert_fingerprint);
    function_domain_.erase(*f.details.apiProvFuncId);
  }
  providers_.erase(dom);
}

std::optional<ProviderDomainRecord> CcfStore::provider(const std::string& dom) const {
  std::shared_lock lock(mutex_);
  auto it = providers_.find(dom);
  if (it == providers_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> CcfStore::domain_of_function(const std::string& func_id) const {
  std::shared_lock lock(mutex_);
  auto it = function_domain_.find(func_id);
  if (it == function_domain_.end()) return std::nullopt;
  return it->second;
}

void CcfStore::index_api(const std::shared_ptr<const ServiceApiRecord>& rec) {
  const std::string& id = *rec->api.apiId;
  apis_[id] = rec;
  apis_by_name_.emplace(rec->api.apiName, id);
  apis_by_apf_.emplace(rec->apf_id, id);
  for (const auto& aef : aef_ids(rec->api)) apis_by_aef_.emplace(aef, id);
}

void CcfStore::unindex_api(const ServiceApiRecord& rec) {
  const std::string id = *rec.api.apiId;
  erase_pair(apis_by_name_, rec.api.apiName, id);
  erase_pair(apis_by_apf_, rec.apf_id, id);
  for (const auto& aef : aef_ids(rec.api)) erase_pair(apis_by_aef_, aef, id);
  apis_.erase(id);
}

void CcfStore::put_service_api(const ServiceApiRecord& in) {
  auto rec = std::make_shared<ServiceApiRecord>(in);
  rec->discovery_json = discovery_json(rec->api);
  const std::string& id = *rec->api.apiId;
  std::lock_guard writer(write_mutex_);
  db_.transaction([&](store::Database& db) {
    db.exec(
        "INSERT INTO service_apis(api_id, apf_id, api_name, doc) VALUES (?,?,?,?) ON CONFLICT(api_id) DO "
        "UPDATE "
        "SET apf_id=excluded.apf_id, api_name=excluded.api_name, doc=excluded.doc",
        {id, rec->apf_id, rec->api.apiName, model::to_json(rec->api).dump()});
    db.exec("DELETE FROM service_api_aefs WHERE api_id=?", {id});
    for (const auto& aef : aef_ids(rec->api))
      db.exec("INSERT INTO service_api_aefs(api_id, aef_id) VALUES (?,?)", {id, aef});
  });
  std::unique_lock lock(mutex_);
  if (auto it = apis_.find(id); it != apis_.end()) {
    auto old = it->second;
    unindex_api(*old);
  }
  index_api(rec);
}

void CcfStore::delete_service_api(const std::string& api_id) {
  std::lock_guard writer(write_mutex_);
  db_.transaction([&](store::Database& db) { db.exec("DELETE FROM service_apis WHERE api_id=?", {api_id}); });
  std::unique_lock lock(mutex_);
  if (auto it = apis_.find(api_id); it != apis_.end()) {
    auto old = it->second;
    unindex_api(*old);
  }
}

std::optional<ServiceApiRecord> CcfStore::service_api(const std::string& api_id) const {
  std::shared_lock lock(mutex_);
  auto it = apis_.find(api_id);
  if (it == apis_.end()) return std::nullopt;
  return *it->second;
}

std::vector<ServiceApiRecord> CcfStore::service_apis_of(const std::string& apf_id) const {
  std::shared_lock lock(mutex_);
  std::vector<ServiceApiRecord> out;
  auto [b, e] = apis_by_apf_.equal_range(apf_id);
  for (auto it = b; it != e; ++it) out.push_back(*apis_.at(it->second));
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return *a.api.apiId < *b.api.apiId; });
  return out;
}

void CcfStore::for_each_api(const std::optional<std::string>& api_name,
                            const std::optional<std::string>& aef_id,
                            const std::function<void(const ServiceApiRecord&)>& fn) const {
  std::shared_lock lock(mutex_);
  if (api_name || aef_id) {
    const auto& index = api_name ? apis_by_name_ : apis_by_aef_;
    auto [b, e] = index.equal_range(api_name ? *api_name : *aef_id);
    for (auto it = b; it != e; ++it) fn(*apis_.at(it->second));
    return;
  }
  for (const auto& [id, rec] : apis_) fn(*rec);
}

std::size_t CcfStore::service_api_count() const {
  std::shared_lock lock(mutex_);
  return apis_.size();
}

}  // namespace capif::ccf
