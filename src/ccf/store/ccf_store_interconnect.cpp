// CcfStore: what CAPIF-6/6e interconnection keeps (remote security contexts, publications at peers).
#include "capif/crypto/encoding.hpp"
#include "ccf/store/ccf_store.hpp"

namespace capif::ccf {
namespace {
using nlohmann::json;

json entries_json(const std::vector<SecurityEntry>& entries) {
  auto arr = json::array();
  for (const auto& e : entries) {
    json j{{"aefId", e.aef_id}, {"interface", e.interface}, {"apiIds", e.api_ids}};
    if (e.method) j["method"] = *e.method;
    if (!e.psk.empty()) j["psk"] = crypto::base64_encode(e.psk);
    if (!e.ca_pem.empty()) j["caPem"] = e.ca_pem;
    arr.push_back(std::move(j));
  }
  return arr;
}

std::vector<SecurityEntry> entries_from(const json& arr) {
  std::vector<SecurityEntry> out;
  for (const auto& j : arr) {
    SecurityEntry e;
    e.aef_id = j.at("aefId").get<std::string>();
    e.interface = j.at("interface").get<std::string>();
    e.api_ids = j.at("apiIds").get<std::vector<std::string>>();
    if (j.contains("method")) e.method = j["method"].get<std::string>();
    if (j.contains("psk")) e.psk = crypto::base64_decode(j["psk"].get<std::string>());
    e.ca_pem = j.value("caPem", "");
    out.push_back(std::move(e));
  }
  return out;
}
}  // namespace

void CcfStore::load_interconnect() {
  db_.query("SELECT onboarded_ccf_id, api_invoker_id, doc, entries, updated_at FROM remote_security_contexts",
            {}, [&](const store::Statement& s) {
              SecurityContextRecord r;
              r.onboarded_ccf_id = s.text(0);
              r.api_invoker_id = s.text(1);
              InvalidParams errs;
              if (!model::from_json(json::parse(s.text(2)), r.security, "", errs))
                throw store::StoreError("stored remote security context does not validate");
              r.entries = entries_from(json::parse(s.text(3)));
              r.updated_at = s.integer(4);
              remote_security_[{r.onboarded_ccf_id, r.api_invoker_id}] = std::move(r);
            });
  db_.query("SELECT peer_id, api_id, remote_api_id, body_hash FROM peer_publications", {},
            [&](const store::Statement& s) {
              PeerPublication p{s.text(0), s.text(1), s.text(2), s.text(3)};
              peer_publications_[{p.peer_id, p.api_id}] = std::move(p);
            });
}

void CcfStore::put_remote_security_context(const SecurityContextRecord& rec) {
  std::lock_guard writer(write_mutex_);
  db_.transaction([&](store::Database& db) {
    db.exec(
        "INSERT INTO remote_security_contexts(onboarded_ccf_id, api_invoker_id, doc, entries, updated_at) "
        "VALUES (?,?,?,?,?) ON CONFLICT(onboarded_ccf_id, api_invoker_id) DO UPDATE SET doc=excluded.doc, "
        "entries=excluded.entries, updated_at=excluded.updated_at",
        {rec.onboarded_ccf_id, rec.api_invoker_id, model::to_json(rec.security).dump(),
         entries_json(rec.entries).dump(), rec.updated_at});
  });
  std::unique_lock lock(mutex_);
  remote_security_[{rec.onboarded_ccf_id, rec.api_invoker_id}] = rec;
}

void CcfStore::delete_remote_security_context(const std::string& ccf_id, const std::string& invoker_id) {
  std::lock_guard writer(write_mutex_);
  db_.transaction([&](store::Database& db) {
    db.exec("DELETE FROM remote_security_contexts WHERE onboarded_ccf_id=? AND api_invoker_id=?",
            {ccf_id, invoker_id});
  });
  std::unique_lock lock(mutex_);
  remote_security_.erase({ccf_id, invoker_id});
}

void CcfStore::revoke_remote_security(const std::string& ccf_id, const std::string& invoker_id,
                                      std::int64_t unix_seconds, const Notices& notices) {
  std::lock_guard writer(write_mutex_);
  const auto plan = plan_locked(notices);
  db_.transaction([&](store::Database& db) {
    write_plan(db, plan);
    db.exec("DELETE FROM remote_security_contexts WHERE onboarded_ccf_id=? AND api_invoker_id=?",
            {ccf_id, invoker_id});
    db.exec(
        "INSERT INTO security_revocations(api_invoker_id, revoked_at) VALUES (?,?) "
        "ON CONFLICT(api_invoker_id) DO UPDATE SET revoked_at=excluded.revoked_at",
        {invoker_id, unix_seconds});
  });
  std::unique_lock lock(mutex_);
  remote_security_.erase({ccf_id, invoker_id});
  revoked_at_[invoker_id] = unix_seconds;
  lock.unlock();
  applied(plan);
}

std::optional<SecurityContextRecord> CcfStore::remote_security_context(const std::string& ccf_id,
                                                                       const std::string& invoker_id) const {
  std::shared_lock lock(mutex_);
  auto it = remote_security_.find({ccf_id, invoker_id});
  if (it == remote_security_.end()) return std::nullopt;
  return it->second;
}

void CcfStore::for_each_remote_security_context(
    const std::function<void(const SecurityContextRecord&)>& fn) const {
  std::shared_lock lock(mutex_);
  for (const auto& [key, rec] : remote_security_) fn(rec);
}

void CcfStore::put_peer_publication(const PeerPublication& pub) {
  std::lock_guard writer(write_mutex_);
  db_.transaction([&](store::Database& db) {
    db.exec(
        "INSERT INTO peer_publications(peer_id, api_id, remote_api_id, body_hash) VALUES (?,?,?,?) "
        "ON CONFLICT(peer_id, api_id) DO UPDATE SET remote_api_id=excluded.remote_api_id, "
        "body_hash=excluded.body_hash",
        {pub.peer_id, pub.api_id, pub.remote_api_id, pub.body_hash});
  });
  std::unique_lock lock(mutex_);
  peer_publications_[{pub.peer_id, pub.api_id}] = pub;
}

void CcfStore::delete_peer_publication(const std::string& peer_id, const std::string& api_id) {
  std::lock_guard writer(write_mutex_);
  db_.transaction([&](store::Database& db) {
    db.exec("DELETE FROM peer_publications WHERE peer_id=? AND api_id=?", {peer_id, api_id});
  });
  std::unique_lock lock(mutex_);
  peer_publications_.erase({peer_id, api_id});
}

std::vector<PeerPublication> CcfStore::peer_publications(const std::string& peer_id) const {
  std::shared_lock lock(mutex_);
  std::vector<PeerPublication> out;
  for (auto it = peer_publications_.lower_bound({peer_id, std::string()});
       it != peer_publications_.end() && it->first.first == peer_id; ++it)
    out.push_back(it->second);
  return out;
}

}  // namespace capif::ccf
