#pragma once
// The CCF's registry: SQLite is the durable truth (a write is committed before it is acknowledged);
// an in-memory copy with indexes serves reads, so discovery never scans the database.
#include "capif/identity.hpp"
#include "capif/model/api_invoker_management.hpp"
#include "capif/model/api_provider_management.hpp"
#include "capif/model/logging_api.hpp"
#include "capif/model/publish_service_api.hpp"
#include "capif/model/routing_info_api.hpp"
#include "capif/model/security_api.hpp"
#include "capif/store/sqlite.hpp"
#include "ccf/store/event_fanout.hpp"
#include "ccf/store/notices.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
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

// One negotiated SecurityInformation entry, resolved to the AEF it names (docs/security.md).
struct SecurityEntry {
  std::string aef_id;
  std::string interface;              // model::aef_interface_string: P0 of the AEFPSK
  std::vector<std::string> api_ids;   // APIs of that AEF the entry covers
  std::optional<std::string> method;  // selSecurityMethod; none = nothing in common
  std::string psk;                    // raw AEFPSK bytes when method == PSK
  std::string ccf_id;  // onboarded side: the designated CCF that selected the method ("" = local AEF)
  std::string ca_pem;  // designated side: the onboarded CCF's CA, once fetched (PKI)
};

// The invoker's security context: the ServiceSecurity as answered (selSecurityMethod per entry, never
// any key) and, parallel to securityInfo, what each entry was resolved to.
struct SecurityContextRecord {
  std::string api_invoker_id;
  model::ServiceSecurity security;
  std::vector<SecurityEntry> entries;
  std::int64_t updated_at = 0;  // unix seconds
  std::string onboarded_ccf_id;  // designated side: the peer CCF the invoker is onboarded at
};

// What we published at a peer CCF (CAPIF-6/6e): our apiId, the id the peer assigned, and a hash of the
// body last sent, so that reconciliation knows what to create, update or withdraw.
struct PeerPublication {
  std::string peer_id;
  std::string api_id;
  std::string remote_api_id;
  std::string body_hash;
};

// An onboarding or an update of an onboarded invoker's enrolment details waiting for the operator
// (onboarding.require_approval); `capif-ccf approve|reject` sets the decision, the daemon acts on it.
struct PendingOnboarding {
  std::string pending_id;
  // As requested (CSR in apiInvokerPublicKey). apiInvokerId set: an update of that invoker, holding only
  // what needs the approval (apiList, notificationDestination, apiInvokerInformation), the key the request
  // asked for and, in apiInvokerCertificate, the certificate the invoker had then; approval applies them
  // onto the record as it is at that time (a key renewed meanwhile stays).
  model::APIInvokerEnrolmentDetails details;
  std::int64_t created_at_ms = 0;
  std::optional<std::string> decision;  // "approve" | "reject"
};

// What the delivery worker did, since the database was created (kept with the outbox rows it removed).
struct OutboxCounters {
  std::int64_t delivered = 0, failed_attempts = 0, given_up = 0;
};

struct StoredInvocationLog {
  std::string log_id;
  std::int64_t received_at = 0;  // unix seconds
  model::InvocationLog log;
};

class CcfStore {
 public:
  explicit CcfStore(const std::filesystem::path& file);

  // Identity: the principal a current certificate (by SHA-256 fingerprint) belongs to.
  std::optional<Principal> principal_for(const std::string& fingerprint) const;

  // Every write takes the Notices the change causes; they are written to the outbox in the same
  // transaction (notices.hpp).
  void put_invoker(const InvokerRecord& rec, const Notices& notices = {});  // insert or replace
  // Replaces an onboarded invoker's record with `rec` only if it is still `expected` (the stored document
  // and certificate): false, and nothing written, when it was offboarded or changed meanwhile. With
  // `close_pending`, that pending request is removed in the same transaction.
  bool update_invoker(const InvokerRecord& expected, const InvokerRecord& rec, const Notices& notices = {},
                      const std::optional<std::string>& close_pending = std::nullopt);
  // Also removes the invoker's security context and its event subscriptions.
  void delete_invoker(const std::string& id, const Notices& notices = {});
  std::optional<InvokerRecord> invoker(const std::string& id) const;

  void put_provider(const ProviderDomainRecord& rec);  // insert or replace, functions included
  // Removes the domain, its functions and every API its APFs published.
  // Its functions' event subscriptions go too.
  void delete_provider(const std::string& dom_id, const Notices& notices = {});
  std::optional<ProviderDomainRecord> provider(const std::string& dom_id) const;
  // Domain of a provider function id.
  std::optional<std::string> domain_of_function(const std::string& func_id) const;

  void put_service_api(const ServiceApiRecord& rec, const Notices& notices = {});
  void delete_service_api(const std::string& api_id, const Notices& notices = {});
  std::optional<ServiceApiRecord> service_api(const std::string& api_id) const;
  std::vector<ServiceApiRecord> service_apis_of(const std::string& apf_id) const;

  // Discovery: candidates by index (api name or AEF id) or all; fn returns false to stop early.
  void for_each_api(const std::optional<std::string>& api_name, const std::optional<std::string>& aef_id,
                    const std::function<void(const ServiceApiRecord&)>& fn) const;
  std::size_t service_api_count() const;

  // Security contexts (CAPIF_Security_API); delete_invoker removes the invoker's context too.
  void put_security_context(const SecurityContextRecord& rec,
                            const Notices& notices = {});  // insert or replace
  void delete_security_context(const std::string& invoker_id);
  std::optional<SecurityContextRecord> security_context(const std::string& invoker_id) const;
  void for_each_security_context(const std::function<void(const SecurityContextRecord&)>& fn) const;
  // When the invoker's authorization was last revoked: tokens issued before are no longer valid.
  void set_revoked_at(const std::string& invoker_id, std::int64_t unix_seconds);
  std::optional<std::int64_t> revoked_at(const std::string& invoker_id) const;
  // A revocation in one transaction: the context is replaced by `kept` (or deleted when nullopt) and the
  // revocation time recorded.
  void revoke_security(const std::string& invoker_id, const std::optional<SecurityContextRecord>& kept,
                       std::int64_t unix_seconds, const Notices& notices);

  // Interconnection (ccf_store_interconnect.cpp). Security contexts a peer forwarded, keyed by the
  // peer (the invoker's onboarded CCF) and the invoker id, apart from local ones: a peer cannot touch a
  // local invoker's context by naming its id.
  void put_remote_security_context(const SecurityContextRecord& rec);  // onboarded_ccf_id set
  void delete_remote_security_context(const std::string& ccf_id, const std::string& invoker_id);
  // The peer revoked its invoker: the context goes, the revocation time is kept, and the notices (the
  // revoke-authorization calls to our AEFs) are queued in the same transaction.
  void revoke_remote_security(const std::string& ccf_id, const std::string& invoker_id, std::int64_t unix_seconds,
                              const Notices& notices);
  std::optional<SecurityContextRecord> remote_security_context(const std::string& ccf_id,
                                                               const std::string& invoker_id) const;
  void for_each_remote_security_context(const std::function<void(const SecurityContextRecord&)>& fn) const;
  void put_peer_publication(const PeerPublication& pub);
  void delete_peer_publication(const std::string& peer_id, const std::string& api_id);
  std::vector<PeerPublication> peer_publications(const std::string& peer_id) const;

  // Invocation logs (CAPIF_Logging_API_Invocation_API / CAPIF_Auditing_API), read from SQLite only:
  // auditing is rare and must not keep every log in memory.
  void add_invocation_log(const StoredInvocationLog& rec, const Notices& notices = {});
  // The same, with rec.log already serialised (model::to_json(rec.log).dump()) by a caller that needs the
  // text too: a batch of logs is then serialised once, not once for the row and once for the answer.
  void add_invocation_log(const StoredInvocationLog& rec, const std::string& doc, const Notices& notices);
  std::optional<StoredInvocationLog> invocation_log(const std::string& log_id) const;
  // Logs of the given AEFs (optionally of one invoker) in the order they were received.
  std::vector<StoredInvocationLog> invocation_logs(const std::vector<std::string>& aef_ids,
                                                   const std::optional<std::string>& invoker_id) const;

  // Event subscriptions (CAPIF_Events_API). A new subscription is written with its first messages, built
  // under the write lock so that no event falls between them and the fanout (none lost, none twice): a test
  // notification (requestTestNotification) and, with eventReq.immRep, the current state
  // `current_state(event)` of each subscribed event type, as far as the subscriber may see it. Both are sent
  // at once, also with PERIODIC reporting. Returns the record as stored (immediate reports counted).
  using CurrentState = std::function<std::vector<EventOccurrence>(const std::string& event)>;
  EventSubscriptionRecord put_subscription(EventSubscriptionRecord rec,
                                           const CurrentState& current_state = {});
  // Replaces the subscription's document (PUT, PATCH) and keeps its report count; nullopt, and nothing
  // written, when it is gone (deleted, ended) or not the subscriber's. A maxReportNbr the count already
  // reaches ends it.
  std::optional<EventSubscriptionRecord> update_subscription(const std::string& subscriber_id,
                                                             const std::string& subscription_id,
                                                             const model::EventSubscription& sub);
  // Pending notifications of the subscription are dropped with it.
  void delete_subscription(const std::string& subscription_id);
  std::optional<EventSubscriptionRecord> subscription(const std::string& subscription_id) const;
  std::size_t subscription_count() const;
  // Removes the subscriptions whose monitoring duration (eventReq.monDur) has ended; the reports written
  // before are still delivered. Returns their ids. (A subscription that reached maxReportNbr is removed by
  // the write that made its last report.) The end times are kept in memory in order: the write lock is only
  // taken when one has passed.
  std::vector<std::string> end_expired_subscriptions(std::int64_t now_ms);
  // Event subscription checks (event_entitlement.cpp): what in `sub` the subscriber can never be sent
  // (an event type of another role, a filter naming only what it may not see), as InvalidParams.
  InvalidParams unreceivable(const std::string& subscriber_id, const model::EventSubscription& sub) const;
  // Whether the subscriber may see this occurrence (immediate reports are checked with it).
  bool may_receive(const std::string& subscriber_id, const EventOccurrence& ev) const;
  std::vector<std::string> invoker_ids() const;  // sorted

  // Onboardings waiting for approval. decide_onboarding may run in another process (the operator command):
  // it only writes the decision; the daemon reads decided ones and closes them.
  // An update (apiInvokerId set) replaces an undecided update of the same invoker: returns how many it
  // replaced. delete_invoker removes the invoker's pending updates.
  int add_pending_onboarding(const PendingOnboarding& p);
  std::vector<PendingOnboarding> pending_onboardings(bool decided_only = false) const;
  bool decide_onboarding(const std::string& pending_id, bool approve);  // false: unknown or decided
  // Removes an undecided request that nobody decided in time; false when it was decided (or gone) first.
  bool expire_onboarding(const std::string& pending_id);
  // Removes the pending request and, when approved, adds (or, for an update, replaces) the invoker, in one
  // transaction.
  void close_onboarding(const std::string& pending_id, const std::optional<InvokerRecord>& approved,
                        const Notices& notices);

  // Routing rules of a service API (CAPIF_Routing_Info_API); they go with the API. Read from SQLite.
  void put_routing_info(const std::string& api_id, const model::RoutingInfo& info,
                        const Notices& notices = {});
  std::optional<model::RoutingInfo> routing_info(const std::string& api_id) const;

  // The outbox (notification_delivery.hpp).
  std::vector<std::string> outbox_queues() const;  // queues with pending messages
  // The first `limit` messages of the queue after seq `after`, in order.
  std::vector<StoredOutboxMessage> outbox_batch(const std::string& queue, std::int64_t after,
                                                std::size_t limit) const;
  // Delivered or given up, one transaction; `add` is added to the counters in it.
  void outbox_remove(const std::vector<std::int64_t>& seqs, const OutboxCounters& add = {});
  void outbox_attempted(std::int64_t seq);  // and one more failed attempt counted
  bool outbox_has(std::int64_t seq) const;
  std::int64_t outbox_size() const;
  // Revocations (RevokeAuthorization to AEFs, PeerRevocation to peer CCFs) still in the outbox: all of them,
  // and those written before `overdue_before_ms` (they are never given up).
  std::pair<std::int64_t, std::int64_t> pending_revocations(std::int64_t overdue_before_ms) const;
  OutboxCounters outbox_counters() const;
  // Called after a commit that added messages, with their queues (to wake the delivery worker).
  void set_outbox_listener(std::function<void(const std::vector<std::string>&)> fn);

 private:
  struct Plan {  // a change's Notices resolved to outbox rows (under the write lock)
    std::vector<OutboxMessage> messages;
    std::vector<std::pair<std::string, std::int64_t>> reports;  // subscription -> reports after this
    std::vector<std::string> ended;  // subscriptions whose maxReportNbr this change reaches: removed
  };
  Plan plan_locked(const Notices& notices) const;
  // Whether the subscriber may see this occurrence (event_entitlement.cpp); under the shared lock.
  bool may_receive_locked(const std::string& subscriber_id, const EventOccurrence& ev) const;
  void remove_subscriptions_db(store::Database& db, const std::vector<std::string>& ids);
  void index_invoker(const InvokerRecord& rec);  // after its commit: memory and principal
  void write_plan(store::Database& db, const Plan& plan);
  void applied(const Plan& plan);  // after the commit: report counts in memory, wake the worker
  void drop_subscriptions_db(store::Database& db, const std::string& subscriber_id);
  void drop_subscriptions_mem(const std::string& subscriber_id);
  // The in-memory subscriptions and their monDur end times (ends_), under the unique lock.
  void set_subscription_locked(const EventSubscriptionRecord& rec);
  void erase_subscription_locked(const std::string& subscription_id);
  void load();
  void load_interconnect();
  void index_api(const std::shared_ptr<const ServiceApiRecord>& rec);
  void unindex_api(const ServiceApiRecord& rec);
  void remove_api_locked_db(store::Database& db, const std::string& api_id);

  mutable store::Database db_;       // query() is not const; reads of logs go straight to SQLite
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
  std::unordered_map<std::string, SecurityContextRecord> security_;
  std::unordered_map<std::string, std::int64_t> revoked_at_;
  std::map<std::pair<std::string, std::string>, SecurityContextRecord> remote_security_;
  std::map<std::pair<std::string, std::string>, PeerPublication> peer_publications_;  // (peer, api id)
  std::unordered_map<std::string, EventSubscriptionRecord> subscriptions_;
  std::set<std::pair<std::int64_t, std::string>> ends_;  // (monDur end, unix s; subscription id)
  std::function<void(const std::vector<std::string>&)> outbox_listener_;
};

std::string discovery_json(const model::ServiceAPIDescription& api);

}  // namespace capif::ccf
