#include "ccf/service/api_invoker_management.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/error.hpp"
#include "capif/crypto/pki.hpp"
#include "ccf/service/capif_events.hpp"
#include "ccf/service/features.hpp"
#include "ccf/service/security_api.hpp"
#include "ccf/service/security_notifier.hpp"

#include <spdlog/spdlog.h>

namespace capif::ccf {
namespace {
constexpr const char* kPublicKeyPtr = "/onboardingInformation/apiInvokerPublicKey";
}

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

model::APIInvokerEnrolmentDetails InvokerManagement::replace(InvokerRecord rec,
                                                             model::APIInvokerEnrolmentDetails in) {
  const std::string id = *rec.details.apiInvokerId;
  if (in.apiInvokerId && *in.apiInvokerId != id)
    throw ApiError::bad_request("apiInvokerId does not match the resource",
                                {{"/apiInvokerId", "must be " + id + " or absent"}});
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
  ctx_.store.put_invoker(rec, {{invoker_event("API_INVOKER_UPDATED", id)}, {}});
  return rec.details;
}

model::APIInvokerEnrolmentDetails InvokerManagement::update(const Principal& caller, const std::string& id,
                                                            model::APIInvokerEnrolmentDetails in) {
  return replace(own(caller, id), std::move(in));
}

model::APIInvokerEnrolmentDetails InvokerManagement::patch(
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
  try {
    crypto::parse_and_verify_csr(in.onboardingInformation.apiInvokerPublicKey);
  } catch (const crypto::CryptoError& e) {
    throw ApiError::bad_request("the public key is not a valid PEM certificate signing request",
                                {{kPublicKeyPtr, e.what()}});
  }
  PendingOnboarding p{crypto::random_id("ONB"), std::move(in), unix_now_ms(), std::nullopt};
  ctx_.store.add_pending_onboarding(p);
  spdlog::info("onboarding request {} waits for approval (capif-ccf approve|reject --id {})", p.pending_id,
               p.pending_id);
  return p.pending_id;
}

std::size_t InvokerManagement::process_decisions() {
  std::size_t n = 0;
  for (auto& p : ctx_.store.pending_onboardings(true)) {
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
