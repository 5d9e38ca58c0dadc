#include "ccf/store/ccf_store.hpp"

#include "capif/crypto/encoding.hpp"
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
    // 2: CAPIF-2/2e security: per-invoker security contexts with the derived AEFPSKs, revocation times,
    // and the invocation logs AEFs report.
    R"sql(
    CREATE TABLE security_contexts(
      api_invoker_id TEXT PRIMARY KEY REFERENCES invokers(api_invoker_id) ON DELETE CASCADE,
      doc TEXT NOT NULL,
      updated_at INTEGER NOT NULL);
    CREATE TABLE security_entries(
      api_invoker_id TEXT NOT NULL REFERENCES security_contexts(api_invoker_id) ON DELETE CASCADE,
      entry INTEGER NOT NULL,
      aef_id TEXT NOT NULL,
      interface TEXT NOT NULL,
      api_ids TEXT NOT NULL,
      method TEXT,
      psk TEXT,
      PRIMARY KEY(api_invoker_id, entry));
    CREATE INDEX security_entries_aef ON security_entries(aef_id);
    CREATE TABLE security_revocations(
      api_invoker_id TEXT PRIMARY KEY,
      revoked_at INTEGER NOT NULL);
    CREATE TABLE invocation_logs(
      log_id TEXT PRIMARY KEY,
      seq INTEGER NOT NULL,
      aef_id TEXT NOT NULL,
      api_invoker_id TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      doc TEXT NOT NULL);
    CREATE INDEX invocation_logs_aef ON invocation_logs(aef_id, received_at);
    CREATE INDEX invocation_logs_invoker ON invocation_logs(api_invoker_id, received_at);
    )sql",
    // 3: CAPIF-6/6e interconnection: the designated CCF of each negotiated entry (onboarded side), the
    // security contexts peers forwarded (designated side), and what we published at each peer.
    R"sql(
    ALTER TABLE security_entries ADD COLUMN designated_ccf_id TEXT NOT NULL DEFAULT '';
    CREATE TABLE remote_security_contexts(
      onboarded_ccf_id TEXT NOT NULL,
      api_invoker_id TEXT NOT NULL,
      doc TEXT NOT NULL,
      entries TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY(onboarded_ccf_id, api_invoker_id));
    CREATE TABLE peer_publications(
      peer_id TEXT NOT NULL,
      api_id TEXT NOT NULL,
      remote_api_id TEXT NOT NULL,
      body_hash TEXT NOT NULL,
      PRIMARY KEY(peer_id, api_id));
    )sql",
    // 4: every insert takes MAX(seq) + 1; without an index that was a scan of the whole log table, a cost
    // that grew with every log ever stored. (IF NOT EXISTS: the step may move behind other migrations when
    // branches are merged, and a database that already has the index must still open.)
    R"sql(
    CREATE INDEX IF NOT EXISTS invocation_logs_seq ON invocation_logs(seq);
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
  db_.query("SELECT api_invoker_id, doc, updated_at FROM security_contexts", {},
            [&](const store::Statement& s) {
              SecurityContextRecord r;
              r.api_invoker_id = s.text(0);
              r.security = decode<model::ServiceSecurity>(s.text(1), "security context");
              r.updated_at = s.integer(2);
              security_[r.api_invoker_id] = std::move(r);
            });
  db_.query(
      "SELECT api_invoker_id, aef_id, interface, api_ids, method, psk, designated_ccf_id FROM "
      "security_entries ORDER BY api_invoker_id, entry",
      {}, [&](const store::Statement& s) {
        SecurityEntry e;
        e.aef_id = s.text(1);
        e.interface = s.text(2);
        e.api_ids = json::parse(s.text(3)).get<std::vector<std::string>>();
        if (!s.is_null(4)) e.method = s.text(4);
        if (!s.is_null(5)) e.psk = crypto::base64_decode(s.text(5));
        e.ccf_id = s.text(6);
        security_[s.text(0)].entries.push_back(std::move(e));
      });
  load_interconnect();
  db_.query("SELECT api_invoker_id, revoked_at FROM security_revocations", {},
            [&](const store::Statement& s) { revoked_at_[s.text(0)] = s.integer(1); });
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
  db_.transaction([&](store::Database& db) {
    db.exec("DELETE FROM security_contexts WHERE api_invoker_id=?", {id});
    db.exec("DELETE FROM invokers WHERE api_invoker_id=?", {id});
  });
  std::unique_lock lock(mutex_);
  security_.erase(id);
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

void CcfStore::put_security_context(const SecurityContextRecord& rec) {
  const std::string& id = rec.api_invoker_id;
  std::lock_guard writer(write_mutex_);
  db_.transaction([&](store::Database& db) {
    db.exec(
        "INSERT INTO security_contexts(api_invoker_id, doc, updated_at) VALUES (?,?,?) "
        "ON CONFLICT(api_invoker_id) DO UPDATE SET doc=excluded.doc, updated_at=excluded.updated_at",
        {id, model::to_json(rec.security).dump(), rec.updated_at});
    db.exec("DELETE FROM security_entries WHERE api_invoker_id=?", {id});
    for (std::size_t i = 0; i < rec.entries.size(); ++i) {
      const auto& e = rec.entries[i];
      db.exec(
          "INSERT INTO security_entries(api_invoker_id, entry, aef_id, interface, api_ids, method, psk, "
          "designated_ccf_id) VALUES (?,?,?,?,?,?,?,?)",
          {id, static_cast<std::int64_t>(i), e.aef_id, e.interface, json(e.api_ids).dump(),
           e.method ? store::Value(*e.method) : store::Value(nullptr),
           e.psk.empty() ? store::Value(nullptr) : store::Value(crypto::base64_encode(e.psk)), e.ccf_id});
    }
  });
  std::unique_lock lock(mutex_);
  security_[id] = rec;
}

void CcfStore::delete_security_context(const std::string& invoker_id) {
  std::lock_guard writer(write_mutex_);
  db_.transaction([&](store::Database& db) {
    db.exec("DELETE FROM security_contexts WHERE api_invoker_id=?", {invoker_id});
  });
  std::unique_lock lock(mutex_);
  security_.erase(invoker_id);
}

std::optional<SecurityContextRecord> CcfStore::security_context(const std::string& invoker_id) const {
  std::shared_lock lock(mutex_);
  auto it = security_.find(invoker_id);
  if (it == security_.end()) return std::nullopt;
  return it->second;
}

void CcfStore::for_each_security_context(const std::function<void(const SecurityContextRecord&)>& fn) const {
  std::shared_lock lock(mutex_);
  for (const auto& [id, rec] : security_) fn(rec);
}

void CcfStore::set_revoked_at(const std::string& invoker_id, std::int64_t unix_seconds) {
  std::lock_guard writer(write_mutex_);
  db_.transaction([&](store::Database& db) {
    db.exec(
        "INSERT INTO security_revocations(api_invoker_id, revoked_at) VALUES (?,?) "
        "ON CONFLICT(api_invoker_id) DO UPDATE SET revoked_at=excluded.revoked_at",
        {invoker_id, unix_seconds});
  });
  std::unique_lock lock(mutex_);
  revoked_at_[invoker_id] = unix_seconds;
}

std::optional<std::int64_t> CcfStore::revoked_at(const std::string& invoker_id) const {
  std::shared_lock lock(mutex_);
  auto it = revoked_at_.find(invoker_id);
  if (it == revoked_at_.end()) return std::nullopt;
  return it->second;
}

void CcfStore::add_invocation_log(const StoredInvocationLog& rec) {
  add_invocation_log(rec, model::to_json(rec.log).dump());
}

void CcfStore::add_invocation_log(const StoredInvocationLog& rec, const std::string& doc) {
  std::lock_guard writer(write_mutex_);
  db_.transaction([&](store::Database& db) {
    db.exec(
        "INSERT INTO invocation_logs(log_id, seq, aef_id, api_invoker_id, received_at, doc) "
        "VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM invocation_logs), ?, ?, ?, ?)",
        {rec.log_id, rec.log.aefId, rec.log.apiInvokerId, rec.received_at, doc});
  });
}

std::optional<StoredInvocationLog> CcfStore::invocation_log(const std::string& log_id) const {
  std::optional<StoredInvocationLog> out;
  db_.query(
      "SELECT log_id, received_at, doc FROM invocation_logs WHERE log_id=?", {log_id},
      [&](const store::Statement& s) {
        out = StoredInvocationLog{s.text(0), s.integer(1), decode<model::InvocationLog>(s.text(2), "log")};
      });
  return out;
}

std::vector<StoredInvocationLog> CcfStore::invocation_logs(
    const std::vector<std::string>& aef_ids, const std::optional<std::string>& invoker_id) const {
  std::vector<StoredInvocationLog> out;
  for (const auto& aef : aef_ids) {
    std::string sql = "SELECT log_id, received_at, doc, seq FROM invocation_logs WHERE aef_id=?";
    std::vector<store::Value> params{aef};
    if (invoker_id) {
      sql += " AND api_invoker_id=?";
      params.emplace_back(*invoker_id);
    }
    db_.query(sql + " ORDER BY seq", params, [&](const store::Statement& s) {
      out.push_back({s.text(0), s.integer(1), decode<model::InvocationLog>(s.text(2), "log")});
    });
  }
  return out;
}

}  // namespace capif::ccf
