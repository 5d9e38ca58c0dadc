#include "ccf/store/ccf_store.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/problem.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

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
    // 5: CAPIF_Events_API subscriptions and the outbox of notifications still to deliver (events,
    // SecurityNotification, revoke-authorization), written in the transaction of the change causing them.
    R"sql(
    CREATE TABLE event_subscriptions(
      subscription_id TEXT PRIMARY KEY,
      subscriber_id TEXT NOT NULL,
      doc TEXT NOT NULL,
      created_at_ms INTEGER NOT NULL,
      reports INTEGER NOT NULL);
    CREATE INDEX event_subscriptions_subscriber ON event_subscriptions(subscriber_id);
    CREATE TABLE outbox(
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      queue TEXT NOT NULL,
      kind TEXT NOT NULL,
      url TEXT NOT NULL,
      body TEXT NOT NULL,
      server_cn TEXT NOT NULL,
      allow_plain_http INTEGER NOT NULL,
      created_at_ms INTEGER NOT NULL,
      not_before_ms INTEGER NOT NULL,
      attempts INTEGER NOT NULL);
    CREATE INDEX outbox_queue ON outbox(queue, seq);
    CREATE TABLE pending_onboardings(
      pending_id TEXT PRIMARY KEY,
      doc TEXT NOT NULL,
      created_at_ms INTEGER NOT NULL,
      decision TEXT);
    CREATE TABLE routing_rules(
      api_id TEXT PRIMARY KEY REFERENCES service_apis(api_id) ON DELETE CASCADE,
      doc TEXT NOT NULL);
    )sql",
    // 6: the delivery counters (delivered, failed attempts, given up), updated in the transactions that
    // remove or retry outbox rows, so that they survive a restart and agree with the outbox.
    R"sql(
    CREATE TABLE outbox_counters(
      name TEXT PRIMARY KEY,
      value INTEGER NOT NULL);
    INSERT INTO outbox_counters(name, value) VALUES ('delivered', 0), ('failed_attempts', 0), ('given_up', 0);
    )sql",
    // 7: the subscriber of each event notification, so that its pending reports leave with it (also those of
    // a subscription that already ended).
    R"sql(
    ALTER TABLE outbox ADD COLUMN subscriber_id TEXT NOT NULL DEFAULT '';
    UPDATE outbox SET subscriber_id = COALESCE((SELECT subscriber_id FROM event_subscriptions
                                                WHERE 'sub:' || subscription_id = outbox.queue), '')
      WHERE queue LIKE 'sub:%';
    CREATE INDEX outbox_subscriber ON outbox(subscriber_id);
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
  db_.query("SELECT subscription_id, subscriber_id, doc, created_at_ms, reports FROM event_subscriptions", {},
            [&](const store::Statement& s) {
              EventSubscriptionRecord r{s.text(0), s.text(1),
                                        decode<model::EventSubscription>(s.text(2), "event subscription"),
                                        s.integer(3), s.integer(4)};
              set_subscription_locked(r);
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

namespace {
void write_invoker(store::Database& db, const InvokerRecord& rec) {
  db.exec(
      "INSERT INTO invokers(api_invoker_id, doc, cert_fingerprint, secret_hash) VALUES (?,?,?,?) "
      "ON CONFLICT(api_invoker_id) DO UPDATE SET doc=excluded.doc, "
      "cert_fingerprint=excluded.cert_fingerprint, "
      "secret_hash=excluded.secret_hash",
      {*rec.details.apiInvokerId, model::to_json(rec.details).dump(), rec.cert_fingerprint, rec.secret_hash});
}
}  // namespace

void CcfStore::put_invoker(const InvokerRecord& rec, const Notices& notices) {
  std::lock_guard writer(write_mutex_);
  const auto plan = plan_locked(notices);
  db_.transaction([&](store::Database& db) {
    write_plan(db, plan);
    write_invoker(db, rec);
  });
  index_invoker(rec);
  applied(plan);
}

bool CcfStore::update_invoker(const InvokerRecord& expected, const InvokerRecord& rec, const Notices& notices,
                              const std::optional<std::string>& close_pending) {
  std::lock_guard writer(write_mutex_);
  const auto plan = plan_locked(notices);
  bool changed = false;
  db_.transaction([&](store::Database& db) {
    db.exec(
        "UPDATE invokers SET doc=?, cert_fingerprint=?, secret_hash=? "
        "WHERE api_invoker_id=? AND doc=? AND cert_fingerprint=?",
        {model::to_json(rec.details).dump(), rec.cert_fingerprint, rec.secret_hash, *rec.details.apiInvokerId,
         model::to_json(expected.details).dump(), expected.cert_fingerprint});
    db.query("SELECT changes()", {}, [&](const store::Statement& s) { changed = s.integer(0) > 0; });
    if (!changed) return;
    write_plan(db, plan);
    if (close_pending) db.exec("DELETE FROM pending_onboardings WHERE pending_id=?", {*close_pending});
  });
  if (!changed) return false;
  index_invoker(rec);
  applied(plan);
  return true;
}

void CcfStore::index_invoker(const InvokerRecord& rec) {
  const std::string& id = *rec.details.apiInvokerId;
  std::unique_lock lock(mutex_);
  if (auto it = invokers_.find(id); it != invokers_.end()) principals_.erase(it->second.cert_fingerprint);
  principals_[rec.cert_fingerprint] = Principal{PrincipalKind::invoker, id, {}};
  invokers_[id] = rec;
}

void CcfStore::delete_invoker(const std::string& id, const Notices& notices) {
  std::lock_guard writer(write_mutex_);
  const auto plan = plan_locked(notices);
  db_.transaction([&](store::Database& db) {
    write_plan(db, plan);
    drop_subscriptions_db(db, id);
    db.exec("DELETE FROM pending_onboardings WHERE json_extract(doc, '$.apiInvokerId')=?", {id});
    db.exec("DELETE FROM security_contexts WHERE api_invoker_id=?", {id});
    db.exec("DELETE FROM invokers WHERE api_invoker_id=?", {id});
  });
  std::unique_lock lock(mutex_);
  security_.erase(id);
  if (auto it = invokers_.find(id); it != invokers_.end()) {
    principals_.erase(it->second.cert_fingerprint);
    invokers_.erase(it);
  }
  drop_subscriptions_mem(id);
  lock.unlock();
  applied(plan);
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

void CcfStore::delete_provider(const std::string& dom, const Notices& notices) {
  std::lock_guard writer(write_mutex_);
  const auto plan = plan_locked(notices);
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
    write_plan(db, plan);
    for (const auto& f : rec->functions) drop_subscriptions_db(db, *f.details.apiProvFuncId);
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
    drop_subscriptions_mem(*f.details.apiProvFuncId);
  }
  providers_.erase(dom);
  lock.unlock();
  applied(plan);
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

void CcfStore::put_service_api(const ServiceApiRecord& in, const Notices& notices) {
  auto rec = std::make_shared<ServiceApiRecord>(in);
  rec->discovery_json = discovery_json(rec->api);
  const std::string& id = *rec->api.apiId;
  std::lock_guard writer(write_mutex_);
  const auto plan = plan_locked(notices);
  db_.transaction([&](store::Database& db) {
    write_plan(db, plan);
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
  lock.unlock();
  applied(plan);
}

void CcfStore::delete_service_api(const std::string& api_id, const Notices& notices) {
  std::lock_guard writer(write_mutex_);
  const auto plan = plan_locked(notices);
  db_.transaction([&](store::Database& db) {
    write_plan(db, plan);
    db.exec("DELETE FROM service_apis WHERE api_id=?", {api_id});
  });
  std::unique_lock lock(mutex_);
  if (auto it = apis_.find(api_id); it != apis_.end()) {
    auto old = it->second;
    unindex_api(*old);
  }
  lock.unlock();
  applied(plan);
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

namespace {
void write_security_context(store::Database& db, const SecurityContextRecord& rec) {
  const std::string& id = rec.api_invoker_id;
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
}
}  // namespace

void CcfStore::put_security_context(const SecurityContextRecord& rec, const Notices& notices) {
  std::lock_guard writer(write_mutex_);
  const auto plan = plan_locked(notices);
  db_.transaction([&](store::Database& db) {
    write_plan(db, plan);
    write_security_context(db, rec);
  });
  std::unique_lock lock(mutex_);
  security_[rec.api_invoker_id] = rec;
  lock.unlock();
  applied(plan);
}

void CcfStore::revoke_security(const std::string& invoker_id,
                               const std::optional<SecurityContextRecord>& kept, std::int64_t unix_seconds,
                               const Notices& notices) {
  std::lock_guard writer(write_mutex_);
  const auto plan = plan_locked(notices);
  db_.transaction([&](store::Database& db) {
    write_plan(db, plan);
    if (kept)
      write_security_context(db, *kept);
    else
      db.exec("DELETE FROM security_contexts WHERE api_invoker_id=?", {invoker_id});
    db.exec(
        "INSERT INTO security_revocations(api_invoker_id, revoked_at) VALUES (?,?) "
        "ON CONFLICT(api_invoker_id) DO UPDATE SET revoked_at=excluded.revoked_at",
        {invoker_id, unix_seconds});
  });
  std::unique_lock lock(mutex_);
  if (kept)
    security_[invoker_id] = *kept;
  else
    security_.erase(invoker_id);
  revoked_at_[invoker_id] = unix_seconds;
  lock.unlock();
  applied(plan);
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

void CcfStore::add_invocation_log(const StoredInvocationLog& rec, const Notices& notices) {
  add_invocation_log(rec, model::to_json(rec.log).dump(), notices);
}

void CcfStore::add_invocation_log(const StoredInvocationLog& rec, const std::string& doc, const Notices& notices) {
  std::lock_guard writer(write_mutex_);
  const auto plan = plan_locked(notices);
  db_.transaction([&](store::Database& db) {
    write_plan(db, plan);
    db.exec(
        "INSERT INTO invocation_logs(log_id, seq, aef_id, api_invoker_id, received_at, doc) "
        "VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM invocation_logs), ?, ?, ?, ?)",
        {rec.log_id, rec.log.aefId, rec.log.apiInvokerId, rec.received_at, doc});
  });
  applied(plan);
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

CcfStore::Plan CcfStore::plan_locked(const Notices& notices) const {
  Plan plan;
  plan.messages = notices.messages;
  if (notices.events.empty()) return plan;
  const auto now = unix_now_ms();
  std::shared_lock lock(mutex_);
  // Deterministic order across subscriptions; within one subscription the events keep their order.
  std::vector<const EventSubscriptionRecord*> subs;
  for (const auto& [id, rec] : subscriptions_) subs.push_back(&rec);
  std::sort(subs.begin(), subs.end(),
            [](const auto* a, const auto* b) { return a->subscription_id < b->subscription_id; });
  for (const auto* sub : subs) {
    EventSubscriptionRecord counted = *sub;
    for (const auto& ev : notices.events) {
      if (!subscription_matches(counted, ev, now) || !may_receive_locked(counted.subscriber_id, ev)) continue;
      plan.messages.push_back(event_message(counted, ev.event, ev.detail, now));
      ++counted.reports;
    }
    // The count only matters (and is only written) for subscriptions with a maximum number of reports; the
    // change that makes the last report removes the subscription (its reports are still delivered).
    const auto max = max_reports(sub->sub);
    if (counted.reports != sub->reports && max > 0) {
      if (counted.reports >= max)
        plan.ended.push_back(sub->subscription_id);
      else
        plan.reports.emplace_back(sub->subscription_id, counted.reports);
    }
  }
  return plan;
}

void CcfStore::write_plan(store::Database& db, const Plan& plan) {
  const auto now = unix_now_ms();
  for (const auto& m : plan.messages)
    db.exec(
        "INSERT INTO outbox(queue, kind, url, body, server_cn, allow_plain_http, created_at_ms, "
        "not_before_ms, "
        "attempts, subscriber_id) VALUES (?,?,?,?,?,?,?,?,0,?)",
        {m.queue, m.kind, m.url, m.body, m.server_cn, std::int64_t{m.allow_plain_http}, now,
         std::max(now, m.not_before_ms), m.subscriber_id});
  for (const auto& [id, reports] : plan.reports)
    db.exec("UPDATE event_subscriptions SET reports=? WHERE subscription_id=?", {reports, id});
  remove_subscriptions_db(db, plan.ended);
}

// Only the subscription: its notifications already in the outbox are still delivered.
void CcfStore::remove_subscriptions_db(store::Database& db, const std::vector<std::string>& ids) {
  for (const auto& id : ids) db.exec("DELETE FROM event_subscriptions WHERE subscription_id=?", {id});
}

void CcfStore::applied(const Plan& plan) {
  if (plan.messages.empty()) return;
  std::vector<std::string> queues;
  {
    std::unique_lock lock(mutex_);
    for (const auto& [id, reports] : plan.reports)
      if (auto it = subscriptions_.find(id); it != subscriptions_.end()) it->second.reports = reports;
    for (const auto& id : plan.ended) erase_subscription_locked(id);
  }
  for (const auto& id : plan.ended)
    spdlog::info("event subscription {} reached its maxReportNbr: removed", id);
  for (const auto& m : plan.messages)
    if (std::find(queues.begin(), queues.end(), m.queue) == queues.end()) queues.push_back(m.queue);
  if (outbox_listener_) outbox_listener_(queues);
}

// Its notifications go too, also those of its subscriptions that already ended.
void CcfStore::drop_subscriptions_db(store::Database& db, const std::string& subscriber_id) {
  db.exec("DELETE FROM outbox WHERE subscriber_id=?", {subscriber_id});
  db.exec("DELETE FROM event_subscriptions WHERE subscriber_id=?", {subscriber_id});
}

void CcfStore::drop_subscriptions_mem(const std::string& subscriber_id) {
  std::vector<std::string> ids;
  for (const auto& [id, rec] : subscriptions_)
    if (rec.subscriber_id == subscriber_id) ids.push_back(id);
  for (const auto& id : ids) erase_subscription_locked(id);
}

void CcfStore::set_subscription_locked(const EventSubscriptionRecord& rec) {
  erase_subscription_locked(rec.subscription_id);
  if (auto end = monitoring_end_s(rec.sub)) ends_.emplace(*end, rec.subscription_id);
  subscriptions_[rec.subscription_id] = rec;
}

void CcfStore::erase_subscription_locked(const std::string& subscription_id) {
  auto it = subscriptions_.find(subscription_id);
  if (it == subscriptions_.end()) return;
  if (auto end = monitoring_end_s(it->second.sub)) ends_.erase({*end, subscription_id});
  subscriptions_.erase(it);
}

EventSubscriptionRecord CcfStore::put_subscription(EventSubscriptionRecord rec,
                                                   const CurrentState& current_state) {
  std::lock_guard writer(write_mutex_);
  const auto now = unix_now_ms();
  Plan plan;
  // TS 29.222 clause 7.6: a test notification names the subscription and no event detail; it is not a
  // report, so it does not count against maxReportNbr.
  if (rec.sub.requestTestNotification.value_or(false))
    plan.messages.push_back(event_message(rec, rec.sub.events.front(), std::nullopt, now));
  // Immediate reporting (TS 29.222: the current status of the subscribed events, if available). The state
  // is read under the write lock: a change committed before is in it, one committed after is fanned out to
  // this subscription.
  if (current_state && rec.sub.eventReq && rec.sub.eventReq->immRep.value_or(false))
    for (const auto& event : rec.sub.events) {
      const auto state = current_state(event);
      std::shared_lock lock(mutex_);
      for (const auto& ev : state) {
        if (!subscription_matches(rec, ev, now) || !may_receive_locked(rec.subscriber_id, ev)) continue;
        plan.messages.push_back(event_message(rec, ev.event, ev.detail, now));
        ++rec.reports;
      }
    }
  // Not held for the first period: they are about the subscription's start.
  for (auto& m : plan.messages) m.not_before_ms = now;
  // Its immediate reports may already reach maxReportNbr: then it ends with them.
  const auto max = max_reports(rec.sub);
  const bool ended = max > 0 && rec.reports >= max;
  db_.transaction([&](store::Database& db) {
    if (!ended)
      db.exec(
          "INSERT INTO event_subscriptions(subscription_id, subscriber_id, doc, created_at_ms, reports) "
          "VALUES (?,?,?,?,?)",
          {rec.subscription_id, rec.subscriber_id, model::to_json(rec.sub).dump(), rec.created_at_ms,
           rec.reports});
    write_plan(db, plan);
  });
  if (!ended) {
    std::unique_lock lock(mutex_);
    set_subscription_locked(rec);
  } else {
    spdlog::info("event subscription {} reached its maxReportNbr with its immediate reports: removed",
                 rec.subscription_id);
  }
  applied(plan);
  return rec;
}

std::optional<EventSubscriptionRecord> CcfStore::update_subscription(const std::string& subscriber_id,
                                                                     const std::string& subscription_id,
                                                                     const model::EventSubscription& sub) {
  std::lock_guard writer(write_mutex_);
  auto rec = subscription(subscription_id);
  if (!rec || rec->subscriber_id != subscriber_id || subscription_expired(rec->sub, unix_now_ms()))
    return std::nullopt;
  rec->sub = sub;
  const auto max = max_reports(rec->sub);
  const bool ended = max > 0 && rec->reports >= max;
  db_.transaction([&](store::Database& db) {
    if (ended)
      remove_subscriptions_db(db, {subscription_id});
    else
      db.exec("UPDATE event_subscriptions SET doc=? WHERE subscription_id=?",
              {model::to_json(rec->sub).dump(), subscription_id});
  });
  std::unique_lock lock(mutex_);
  if (ended) {
    erase_subscription_locked(subscription_id);
    spdlog::info("event subscription {}: its new maxReportNbr is reached: removed", subscription_id);
  } else {
    set_subscription_locked(*rec);
  }
  return rec;
}

std::vector<std::string> CcfStore::end_expired_subscriptions(std::int64_t now_ms) {
  const auto due = [&] { return !ends_.empty() && ends_.begin()->first <= now_ms / 1000; };
  {
    std::shared_lock lock(mutex_);
    if (!due()) return {};
  }
  std::lock_guard writer(write_mutex_);
  std::vector<std::string> ended;
  {
    std::shared_lock lock(mutex_);
    for (auto it = ends_.begin(); it != ends_.end() && it->first <= now_ms / 1000; ++it)
      ended.push_back(it->second);
  }
  if (ended.empty()) return ended;
  std::sort(ended.begin(), ended.end());
  db_.transaction([&](store::Database& db) { remove_subscriptions_db(db, ended); });
  std::unique_lock lock(mutex_);
  for (const auto& id : ended) {
    erase_subscription_locked(id);
    spdlog::info("event subscription {}: its monitoring duration (monDur) ended: removed", id);
  }
  return ended;
}

std::vector<std::string> CcfStore::invoker_ids() const {
  std::vector<std::string> out;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [id, rec] : invokers_) out.push_back(id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void CcfStore::delete_subscription(const std::string& subscription_id) {
  std::lock_guard writer(write_mutex_);
  db_.transaction([&](store::Database& db) {
    db.exec("DELETE FROM outbox WHERE queue=?", {"sub:" + subscription_id});
    db.exec("DELETE FROM event_subscriptions WHERE subscription_id=?", {subscription_id});
  });
  std::unique_lock lock(mutex_);
  erase_subscription_locked(subscription_id);
}

std::optional<EventSubscriptionRecord> CcfStore::subscription(const std::string& subscription_id) const {
  std::shared_lock lock(mutex_);
  auto it = subscriptions_.find(subscription_id);
  if (it == subscriptions_.end()) return std::nullopt;
  return it->second;
}

std::size_t CcfStore::subscription_count() const {
  std::shared_lock lock(mutex_);
  return subscriptions_.size();
}

std::vector<std::string> CcfStore::outbox_queues() const {
  std::vector<std::string> out;
  db_.query("SELECT queue, MIN(seq) AS first FROM outbox GROUP BY queue ORDER BY first", {},
            [&](const store::Statement& s) { out.push_back(s.text(0)); });
  return out;
}

std::vector<StoredOutboxMessage> CcfStore::outbox_batch(const std::string& queue, std::int64_t after,
                                                        std::size_t limit) const {
  std::vector<StoredOutboxMessage> out;
  db_.query(
      "SELECT seq, kind, url, body, server_cn, allow_plain_http, created_at_ms, not_before_ms, attempts "
      "FROM outbox WHERE queue=? AND seq>? ORDER BY seq LIMIT ?",
      {queue, after, static_cast<std::int64_t>(limit)}, [&](const store::Statement& s) {
        StoredOutboxMessage m;
        m.queue = queue;
        m.seq = s.integer(0);
        m.kind = s.text(1);
        m.url = s.text(2);
        m.body = s.text(3);
        m.server_cn = s.text(4);
        m.allow_plain_http = s.integer(5) != 0;
        m.created_at_ms = s.integer(6);
        m.not_before_ms = s.integer(7);
        m.attempts = s.integer(8);
        out.push_back(std::move(m));
      });
  return out;
}

namespace {
void add_to_counter(store::Database& db, const char* name, std::int64_t n) {
  if (n != 0) db.exec("UPDATE outbox_counters SET value=value+? WHERE name=?", {n, std::string(name)});
}
}  // namespace

void CcfStore::outbox_remove(const std::vector<std::int64_t>& seqs, const OutboxCounters& add) {
  if (seqs.empty() && add.delivered == 0 && add.failed_attempts == 0 && add.given_up == 0) return;
  db_.transaction([&](store::Database& db) {
    for (auto seq : seqs) db.exec("DELETE FROM outbox WHERE seq=?", {seq});
    add_to_counter(db, "delivered", add.delivered);
    add_to_counter(db, "failed_attempts", add.failed_attempts);
    add_to_counter(db, "given_up", add.given_up);
  });
}

void CcfStore::outbox_attempted(std::int64_t seq) {
  db_.transaction([&](store::Database& db) {
    db.exec("UPDATE outbox SET attempts=attempts+1 WHERE seq=?", {seq});
    add_to_counter(db, "failed_attempts", 1);
  });
}

bool CcfStore::outbox_has(std::int64_t seq) const {
  bool found = false;
  db_.query("SELECT 1 FROM outbox WHERE seq=?", {seq}, [&](const store::Statement&) { found = true; });
  return found;
}

OutboxCounters CcfStore::outbox_counters() const {
  OutboxCounters c;
  db_.query("SELECT name, value FROM outbox_counters", {}, [&](const store::Statement& s) {
    const std::string name = s.text(0);
    if (name == "delivered") c.delivered = s.integer(1);
    if (name == "failed_attempts") c.failed_attempts = s.integer(1);
    if (name == "given_up") c.given_up = s.integer(1);
  });
  return c;
}

std::pair<std::int64_t, std::int64_t> CcfStore::pending_revocations(std::int64_t overdue_before_ms) const {
  std::pair<std::int64_t, std::int64_t> out;
  db_.query(
      "SELECT COUNT(*), COALESCE(SUM(created_at_ms < ?), 0) FROM outbox "
      "WHERE kind IN ('RevokeAuthorization', 'PeerRevocation')",
      {overdue_before_ms}, [&](const store::Statement& s) {
        out = {s.integer(0), s.integer(1)};
      });
  return out;
}

std::int64_t CcfStore::outbox_size() const {
  std::int64_t n = 0;
  db_.query("SELECT COUNT(*) FROM outbox", {}, [&](const store::Statement& s) { n = s.integer(0); });
  return n;
}

int CcfStore::add_pending_onboarding(const PendingOnboarding& p) {
  std::lock_guard writer(write_mutex_);
  int replaced = 0;
  db_.transaction([&](store::Database& db) {
    if (p.details.apiInvokerId) {
      db.exec(
          "DELETE FROM pending_onboardings WHERE decision IS NULL AND json_extract(doc, '$.apiInvokerId')=?",
          {*p.details.apiInvokerId});
      db.query("SELECT changes()", {},
               [&](const store::Statement& s) { replaced = static_cast<int>(s.integer(0)); });
    }
    db.exec("INSERT INTO pending_onboardings(pending_id, doc, created_at_ms, decision) VALUES (?,?,?,NULL)",
            {p.pending_id, model::to_json(p.details).dump(), p.created_at_ms});
  });
  return replaced;
}

std::vector<PendingOnboarding> CcfStore::pending_onboardings(bool decided_only) const {
  std::vector<PendingOnboarding> out;
  db_.query(std::string("SELECT pending_id, doc, created_at_ms, decision FROM pending_onboardings") +
                (decided_only ? " WHERE decision IS NOT NULL" : "") + " ORDER BY created_at_ms",
            {}, [&](const store::Statement& s) {
              PendingOnboarding p{s.text(0),
                                  decode<model::APIInvokerEnrolmentDetails>(s.text(1), "onboarding"),
                                  s.integer(2), std::nullopt};
              if (!s.is_null(3)) p.decision = s.text(3);
              out.push_back(std::move(p));
            });
  return out;
}

bool CcfStore::decide_onboarding(const std::string& pending_id, bool approve) {
  bool found = false;
  db_.transaction([&](store::Database& db) {
    db.query("SELECT 1 FROM pending_onboardings WHERE pending_id=? AND decision IS NULL", {pending_id},
             [&](const store::Statement&) { found = true; });
    if (found)
      db.exec("UPDATE pending_onboardings SET decision=? WHERE pending_id=?",
              {std::string(approve ? "approve" : "reject"), pending_id});
  });
  return found;
}

bool CcfStore::expire_onboarding(const std::string& pending_id) {
  std::lock_guard writer(write_mutex_);
  bool removed = false;
  db_.transaction([&](store::Database& db) {
    db.exec("DELETE FROM pending_onboardings WHERE pending_id=? AND decision IS NULL", {pending_id});
    db.query("SELECT changes()", {}, [&](const store::Statement& s) { removed = s.integer(0) > 0; });
  });
  return removed;
}

void CcfStore::close_onboarding(const std::string& pending_id, const std::optional<InvokerRecord>& approved,
                                const Notices& notices) {
  std::lock_guard writer(write_mutex_);
  const auto plan = plan_locked(notices);
  db_.transaction([&](store::Database& db) {
    write_plan(db, plan);
    db.exec("DELETE FROM pending_onboardings WHERE pending_id=?", {pending_id});
    if (approved) write_invoker(db, *approved);
  });
  if (approved) index_invoker(*approved);
  applied(plan);
}

void CcfStore::put_routing_info(const std::string& api_id, const model::RoutingInfo& info,
                                const Notices& notices) {
  std::lock_guard writer(write_mutex_);
  const auto plan = plan_locked(notices);
  db_.transaction([&](store::Database& db) {
    write_plan(db, plan);
    db.exec(
        "INSERT INTO routing_rules(api_id, doc) VALUES (?,?) ON CONFLICT(api_id) DO UPDATE SET "
        "doc=excluded.doc",
        {api_id, model::to_json(info).dump()});
  });
  applied(plan);
}

std::optional<model::RoutingInfo> CcfStore::routing_info(const std::string& api_id) const {
  std::optional<model::RoutingInfo> out;
  db_.query("SELECT doc FROM routing_rules WHERE api_id=?", {api_id},
            [&](const store::Statement& s) { out = decode<model::RoutingInfo>(s.text(0), "routing rules"); });
  return out;
}

void CcfStore::set_outbox_listener(std::function<void(const std::vector<std::string>&)> fn) {
  std::lock_guard writer(write_mutex_);
  outbox_listener_ = std::move(fn);
}

}  // namespace capif::ccf
