#include "ccf/service/api_invoker_management.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/error.hpp"
#include "capif/crypto/pki.hpp"
#include "capif/metrics.hpp"
#include "ccf/service/capif_events.hpp"
#include "ccf/service/features.hpp"
#include "ccf/service/security_api.hpp"
#include "ccf/service/security_notifier.hpp"

#include <spdlog/spdlog.h>

namespace capif::ccf {
namespace {
constexpr const char* kPublicKeyPtr = "/onboardingInformation/apiInvokerPublicKey";

// A request kept for the operator must be one that can be carried out: its CSR is checked now.
void verify_csr(const std::string& csr_pem) {
  try {
    crypto::parse_and_verify_csr(csr_pem);
  } catch (const crypto::CryptoError& e) {
    throw ApiError::bad_request("the public key is not a valid PEM certificate signing request",
                                {{kPublicKeyPtr, e.what()}});
  }
}
}  // namespace

std::pair<InvokerRecord, std::string> InvokerManagement::enrol(model::APIInvokerEnrolmentDetails in) const {
  if (in.apiInvokerId)
    throw ApiError::bad_request("apiInvokerId is assigned by the CCF",
                                {{"/apiInvokerId", "must not be present"}});
  const std::string id = crypto::random_id("INV");
  InvokerRecord rec;
  in.supportedFeatures = negotiate_features(in.supportedFeatures, kInvokerManagementFeatures);
  rec.details = std::move(in);
  rec.details.apiInvokerId = id;
  rec.details.onboardingInformation.apiInvokerCertificate =
      issue_certificate(ctx_, rec.details.onboardingInformation.apiInvokerPublicKey, id, kPublicKeyPtr);
  rec.details.onboardingInformation.onboardingSecret.reset();
  rec.cert_fingerprint = fingerprint_of(*rec.details.onboardingInformation.apiInvokerCertificate);
  const std::string secret = crypto::random_token(32);
  rec.secret_hash = crypto::sha256_hex(secret);
  return {std::move(rec), secret};
}

model::APIInvokerEnrolmentDetails InvokerManagement::onboard(model::APIInvokerEnrolmentDetails in) {
  auto [rec, secret] = enrol(std::move(in));
  const std::string id = *rec.details.apiInvokerId;
  ctx_.store.put_invoker(rec, {{invoker_event("API_INVOKER_ONBOARDED", id)}, {}});
  spdlog::info("onboarded API invoker {}", id);
  auto out = rec.details;
  out.onboardingInformation.onboardingSecret = secret;
  return out;
}

InvokerRecord InvokerManagement::own(const Principal& caller, const std::string& id) const {
  // Another invoker's id is refused the same way whether it exists or not: nothing leaks.
  if (caller.kind != PrincipalKind::invoker || caller.id != id)
    throw ApiError::forbidden("an API invoker may only manage its own onboarding");
  auto rec = ctx_.store.invoker(id);
  if (!rec) throw ApiError::not_found("API invoker " + id + " is not onboarded");
  return *rec;
}

InvokerRecord InvokerManagement::updated(InvokerRecord rec, model::APIInvokerEnrolmentDetails in) const {
  const std::string id = *rec.details.apiInvokerId;
  in.apiInvokerId = id;
  in.supportedFeatures = negotiate_features(in.supportedFeatures, kInvokerManagementFeatures);
  in.onboardingInformation.onboardingSecret.reset();
  if (in.onboardingInformation.apiInvokerPublicKey != rec.details.onboardingInformation.apiInvokerPublicKey) {
    in.onboardingInformation.apiInvokerCertificate =
        issue_certificate(ctx_, in.onboardingInformation.apiInvokerPublicKey, id, kPublicKeyPtr);
    rec.cert_fingerprint = fingerprint_of(*in.onboardingInformation.apiInvokerCertificate);
    spdlog::info("renewed the certificate of API invoker {}", id);
  } else {
    in.onboardingInformation.apiInvokerCertificate = rec.details.onboardingInformation.apiInvokerCertificate;
  }
  rec.details = std::move(in);
  return rec;
}

std::optional<model::APIInvokerEnrolmentDetails> InvokerManagement::replace(
    InvokerRecord rec, model::APIInvokerEnrolmentDetails in) {
  const std::string id = *rec.details.apiInvokerId;
  if (in.apiInvokerId && *in.apiInvokerId != id)
    throw ApiError::bad_request("apiInvokerId does not match the resource",
                                {{"/apiInvokerId", "must be " + id + " or absent"}});
  // What the operator approved at onboarding (docs/security.md): changing it needs approval again. A new
  // certificate for the same details does not.
  const auto& now = rec.details;
  if (ctx_.config.onboarding.require_approval &&
      (in.apiList != now.apiList || in.notificationDestination != now.notificationDestination ||
       in.apiInvokerInformation != now.apiInvokerInformation)) {
    if (in.onboardingInformation.apiInvokerPublicKey != now.onboardingInformation.apiInvokerPublicKey)
      verify_csr(in.onboardingInformation.apiInvokerPublicKey);
    // Only what needs the approval is kept, with the key asked for and the certificate of now (see
    // PendingOnboarding): the approval applies it onto the record as it is then.
    model::APIInvokerEnrolmentDetails asked;
    asked.apiInvokerId = id;
    asked.apiList = std::move(in.apiList);
    asked.notificationDestination = std::move(in.notificationDestination);
    asked.apiInvokerInformation = std::move(in.apiInvokerInformation);
    asked.onboardingInformation.apiInvokerPublicKey = std::move(in.onboardingInformation.apiInvokerPublicKey);
    asked.onboardingInformation.apiInvokerCertificate = now.onboardingInformation.apiInvokerCertificate;
    PendingOnboarding p{crypto::random_id("ONB"), std::move(asked), unix_now_ms(), std::nullopt};
    if (ctx_.store.add_pending_onboarding(p) > 0)
      spdlog::info("update {} of API invoker {} replaces its undecided earlier update", p.pending_id, id);
    spdlog::info("update {} of API invoker {} waits for approval (capif-ccf approve|reject --id {})",
                 p.pending_id, id, p.pending_id);
    return std::nullopt;
  }
  auto next = updated(rec, std::move(in));
  // Only onto the record read above: an invoker offboarded (or changed) meanwhile is not brought back.
  if (!ctx_.store.update_invoker(rec, next, {{invoker_event("API_INVOKER_UPDATED", id)}, {}})) {
    if (!ctx_.store.invoker(id)) throw ApiError::not_found("API invoker " + id + " is not onboarded");
    throw ApiError::conflict("API invoker " + id + " was changed by a concurrent request; send it again");
  }
  return next.details;
}

std::optional<model::APIInvokerEnrolmentDetails> InvokerManagement::update(
    const Principal& caller, const std::string& id, model::APIInvokerEnrolmentDetails in) {
  return replace(own(caller, id), std::move(in));
}

std::optional<model::APIInvokerEnrolmentDetails> InvokerManagement::patch(
    const Principal& caller, const std::string& id, const model::APIInvokerEnrolmentDetailsPatch& patch) {
  auto rec = own(caller, id);
  InvalidParams errs;
  auto merged = model::apply_patch(rec.details, patch, errs);
  if (!merged) throw ApiError::bad_request("the patched enrolment details are not valid", errs);
  return replace(std::move(rec), std::move(*merged));
}

std::string InvokerManagement::request_onboarding(model::APIInvokerEnrolmentDetails in) {
  if (in.apiInvokerId)
    throw ApiError::bad_request("apiInvokerId is assigned by the CCF",
                                {{"/apiInvokerId", "must not be present"}});
  verify_csr(in.onboardingInformation.apiInvokerPublicKey);
  PendingOnboarding p{crypto::random_id("ONB"), std::move(in), unix_now_ms(), std::nullopt};
  ctx_.store.add_pending_onboarding(p);
  spdlog::info("onboarding request {} waits for approval (capif-ccf approve|reject --id {})", p.pending_id,
               p.pending_id);
  return p.pending_id;
}

InvokerRecord InvokerManagement::approved_update(InvokerRecord rec,
                                                 const model::APIInvokerEnrolmentDetails& asked) const {
  auto in = rec.details;
  in.apiList = asked.apiList;
  in.notificationDestination = asked.notificationDestination;
  in.apiInvokerInformation = asked.apiInvokerInformation;
  // The key the request asked for, unless the certificate was renewed since it was made: the newer stays.
  if (asked.onboardingInformation.apiInvokerCertificate ==
      rec.details.onboardingInformation.apiInvokerCertificate)
    in.onboardingInformation.apiInvokerPublicKey = asked.onboardingInformation.apiInvokerPublicKey;
  return updated(std::move(rec), std::move(in));
}

// An update of an onboarded invoker: when approved, what it asked for is applied onto the record as it is
// now (API_INVOKER_UPDATED and the OnboardingNotification to the new destination, with the details), else
// {result: false} goes to the destination it has (the one the operator approved). An invoker offboarded
// meanwhile gets nothing.
void InvokerManagement::close_update(const PendingOnboarding& p) {
  const std::string id = *p.details.apiInvokerId;
  OutboxMessage m;
  m.kind = "OnboardingNotification";
  m.queue = "inv:" + id;
  m.allow_plain_http = true;  // an invoker sidecar listens on plain HTTP on loopback
  model::OnboardingNotification note;
  std::optional<InvokerRecord> current;
  // A change committed between the read and the write (a renewal by PUT) makes the write fail: read again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    current = ctx_.store.invoker(id);
    if (!current) {
      ctx_.store.close_onboarding(p.pending_id, std::nullopt, {});
      spdlog::info("update {} dropped: API invoker {} is no longer onboarded", p.pending_id, id);
      return;
    }
    if (p.decision != "approve") break;
    try {
      auto rec = approved_update(*current, p.details);
      note.result = true;
      note.resourceLocation = ctx_.location("/api-invoker-management/v1/onboardedInvokers/" + id);
      note.apiInvokerEnrolmentDetails = rec.details;
      m.url = rec.details.notificationDestination;
      m.body = model::to_json(note).dump();
      // Only onto the record read above, in the transaction that closes the request: an invoker offboarded
      // (or changed) since is neither brought back nor overwritten.
      if (ctx_.store.update_invoker(*current, rec, {{invoker_event("API_INVOKER_UPDATED", id)}, {m}},
                                    p.pending_id)) {
        spdlog::info("update {} of API invoker {} approved", p.pending_id, id);
        return;
      }
      spdlog::info("update {} of API invoker {}: the invoker changed while it was applied; again",
                   p.pending_id, id);
    } catch (const ApiError& e) {
      spdlog::warn("update {} cannot be approved: {}; rejecting it", p.pending_id, e.detail());
      break;
    }
    if (attempt == 2) {
      // The operator approved it: it stays decided and is applied on the next round, never turned into a
      // rejection because the invoker kept changing.
      spdlog::warn("update {} of API invoker {}: approved, not applied yet (the invoker keeps changing)",
                   p.pending_id, id);
      return;
    }
  }
  note = {};
  note.result = false;
  m.url = current->details.notificationDestination;
  m.body = model::to_json(note).dump();
  ctx_.store.close_onboarding(p.pending_id, std::nullopt, {{}, {m}});
  spdlog::info("update {} of API invoker {} rejected", p.pending_id, id);
}

std::size_t InvokerManagement::process_decisions() {
  // Requests nobody decided in time: an update is rejected (the invoker is told at the destination it has,
  // the approved one); a new onboarding is removed without a call, its notificationDestination was never
  // approved (logged and counted).
  const auto expired_before = unix_now_ms() - ctx_.config.onboarding.pending_ttl_s * 1000;
  for (const auto& p : ctx_.store.pending_onboardings()) {
    if (p.decision || p.created_at_ms > expired_before) continue;
    if (p.details.apiInvokerId) {
      if (ctx_.store.decide_onboarding(p.pending_id, false))
        spdlog::info("update {} was not decided within onboarding.pending_ttl_s: rejected", p.pending_id);
    } else if (ctx_.store.expire_onboarding(p.pending_id)) {
      metrics::Registry::global().inc("capif_onboarding_requests_expired_total");
      spdlog::warn(
          "onboarding request {} was not decided within onboarding.pending_ttl_s: removed (its "
          "notificationDestination, never approved, is not called)",
          p.pending_id);
    }
  }
  std::size_t n = 0;
  for (auto& p : ctx_.store.pending_onboardings(true)) {
    if (p.details.apiInvokerId) {
      close_update(p);
      ++n;
      continue;
    }
    OutboxMessage m;
    m.kind = "OnboardingNotification";
    m.url = p.details.notificationDestination;
    m.allow_plain_http = true;  // an invoker sidecar listens on plain HTTP on loopback
    model::OnboardingNotification note;
    if (p.decision == "approve") {
      try {
        auto [rec, secret] = enrol(p.details);
        const std::string id = *rec.details.apiInvokerId;
        note.result = true;
        note.resourceLocation = ctx_.location("/api-invoker-management/v1/onboardedInvokers/" + id);
        note.apiInvokerEnrolmentDetails = rec.details;
        note.apiInvokerEnrolmentDetails->onboardingInformation.onboardingSecret = secret;
        m.queue = "inv:" + id;
        m.body = model::to_json(note).dump();
        ctx_.store.close_onboarding(p.pending_id, rec, {{invoker_event("API_INVOKER_ONBOARDED", id)}, {m}});
        spdlog::info("onboarding request {} approved: API invoker {}", p.pending_id, id);
        ++n;
        continue;
      } catch (const ApiError& e) {
        spdlog::warn("onboarding request {} cannot be approved: {}; rejecting it", p.pending_id, e.detail());
      }
    }
    note.result = false;
    m.queue = "onb:" + p.pending_id;
    m.body = model::to_json(note).dump();
    ctx_.store.close_onboarding(p.pending_id, std::nullopt, {{}, {m}});
    spdlog::info("onboarding request {} rejected", p.pending_id);
    ++n;
  }
  return n;
}

void InvokerManagement::offboard(const Principal& caller, const std::string& id) {
  own(caller, id);
  Notices notices;
  notices.events.push_back(invoker_event("API_INVOKER_OFFBOARDED", id));
  // Offboarding deletes the security context; its AEFs must stop accepting the invoker at once
  // (TS 33.122 6.8), so they get revoke-authorization as for a revocation.
  if (auto security = ctx_.store.security_context(id)) {
    notices.messages = revocation_messages(SecurityService(ctx_).offboarding_outcome(*security));
    auto acl = access_policy_events(ctx_, id, *security, std::nullopt);
    notices.events.insert(notices.events.end(), acl.begin(), acl.end());
  }
  ctx_.store.delete_invoker(id, notices);
  spdlog::info("offboarded API invoker {}", id);
}

}  // namespace capif::ccf
