#include "ccf/service/api_invoker_management.hpp"

#include "capif/crypto/encoding.hpp"
#include "ccf/service/capif_events.hpp"
#include "ccf/service/security_api.hpp"
#include "ccf/service/security_notifier.hpp"

#include <spdlog/spdlog.h>

namespace capif::ccf {
namespace {
constexpr const char* kPublicKeyPtr = "/onboardingInformation/apiInvokerPublicKey";
}

model::APIInvokerEnrolmentDetails InvokerManagement::onboard(model::APIInvokerEnrolmentDetails in) {
  if (in.apiInvokerId)
    throw ApiError::bad_request("apiInvokerId is assigned by the CCF",
                                {{"/apiInvokerId", "must not be present"}});
  const std::string id = crypto::random_id("INV");
  InvokerRecord rec;
  rec.details = std::move(in);
  rec.details.apiInvokerId = id;
  rec.details.onboardingInformation.apiInvokerCertificate =
      issue_certificate(ctx_, rec.details.onboardingInformation.apiInvokerPublicKey, id, kPublicKeyPtr);
  rec.details.onboardingInformation.onboardingSecret.reset();
  rec.cert_fingerprint = fingerprint_of(*rec.details.onboardingInformation.apiInvokerCertificate);
  const std::string secret = crypto::random_token(32);
  rec.secret_hash = crypto::sha256_hex(secret);
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
