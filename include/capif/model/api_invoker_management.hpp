#pragma once
// CAPIF_API_Invoker_Management_API data model (TS 29.222 clause 8.4.4).
#include "capif/model/publish_service_api.hpp"

namespace capif::model {

struct OnboardingInformation {
  std::string apiInvokerPublicKey;  // in practice a PEM PKCS#10 CSR
  std::optional<std::string> apiInvokerCertificate;
  std::optional<std::string> onboardingSecret;
  bool operator==(const OnboardingInformation&) const = default;
};

struct APIList {
  std::optional<std::vector<ServiceAPIDescription>> serviceAPIDescriptions;  // minItems 1
  bool operator==(const APIList&) const = default;
};

// apiInvokerId is readOnly in the spec; whether it may appear in a request is the service's call.
struct APIInvokerEnrolmentDetails {
  std::optional<std::string> apiInvokerId;
  OnboardingInformation onboardingInformation;
  Uri notificationDestination;
  std::optional<bool> requestTestNotification;
  std::optional<nlohmann::json> websockNotifConfig;  // WebsockNotifConfig, kept raw
  std::optional<APIList> apiList;
  std::optional<std::string> apiInvokerInformation;
  std::optional<SupportedFeatures> supportedFeatures;
  bool operator==(const APIInvokerEnrolmentDetails&) const = default;
};

// Merge-patch body. onboardingInformation and notificationDestination are required in the
// target resource, so they cannot be deleted (null is rejected); the others are nullable.
struct APIInvokerEnrolmentDetailsPatch {
  std::optional<OnboardingInformation> onboardingInformation;
  std::optional<Uri> notificationDestination;
  PatchField<APIList> apiList;
  PatchField<std::string> apiInvokerInformation;
  bool operator==(const APIInvokerEnrolmentDetailsPatch&) const = default;
};

bool from_json(const nlohmann::json& j, OnboardingInformation& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, APIList& out, const std::string& pointer, InvalidParams& errs);
bool from_json(const nlohmann::json& j, APIInvokerEnrolmentDetails& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, APIInvokerEnrolmentDetailsPatch& out, const std::string& pointer,
               InvalidParams& errs);

nlohmann::json to_json(const OnboardingInformation& v);
nlohmann::json to_json(const APIList& v);
nlohmann::json to_json(const APIInvokerEnrolmentDetails& v);
nlohmann::json to_json(const APIInvokerEnrolmentDetailsPatch& v);

// Sent to notificationDestination when an onboarding answered 202 was approved (result true, with the
// enrolment details, certificate and onboarding secret) or rejected (result false).
struct OnboardingNotification {
  bool result = false;
  std::optional<Uri> resourceLocation;
  std::optional<APIInvokerEnrolmentDetails> apiInvokerEnrolmentDetails;
  std::optional<APIList> apiList;
};
nlohmann::json to_json(const OnboardingNotification& v);

// RFC 7396 merge of the patch into `base`, then re-validated.
std::optional<APIInvokerEnrolmentDetails> apply_patch(const APIInvokerEnrolmentDetails& base,
                                                      const APIInvokerEnrolmentDetailsPatch& patch,
                                                      InvalidParams& errs);

}  // namespace capif::model
