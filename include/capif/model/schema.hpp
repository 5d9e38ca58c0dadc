#pragma once
// Request-body validation against the TS 29.222 OpenAPI schemas themselves. The schemas are the 3GPP
// files in third_party/3gpp-openapi, bundled into the binary at build time (tools/openapi_bundle.cpp);
// this validator reads the OpenAPI 3.0 subset those files use: type, properties, required, items,
// enum, allOf/anyOf/oneOf (+ discriminator), minItems/maxItems, minLength/maxLength, minimum/maximum,
// pattern, format (date-time, int32), nullable, readOnly, additionalProperties.
#include "capif/problem.hpp"

#include <nlohmann/json.hpp>

#include <string_view>

namespace capif::model::schema {

// One component schema: the OpenAPI file (without ".yaml") and its name under components/schemas.
struct Ref {
  std::string_view file;
  std::string_view name;
};

enum class Body {
  request,      // readOnly members are not required (TS 29.222: "shall not be present in the POST")
  merge_patch,  // RFC 7396: a null member deletes, so null is accepted for every member
  response,     // what the daemons send: readOnly members are required like any other
};

// Appends one InvalidParam (RFC 6901 pointer) per violation. Throws std::logic_error for a Ref that is
// not in the bundle: that is a programming error, caught by the unit tests.
void validate(const nlohmann::json& body, Ref schema, InvalidParams& errs, Body kind = Body::request);
// validate, then ApiError 400 "the request body is not a valid <name>" with the InvalidParams, if any.
void require(const nlohmann::json& body, Ref schema, Body kind = Body::request);

// The TS 29.222 schemas of the request bodies the daemons accept.
inline constexpr Ref kServiceAPIDescription{"TS29222_CAPIF_Publish_Service_API", "ServiceAPIDescription"};
inline constexpr Ref kServiceAPIDescriptionPatch{"TS29222_CAPIF_Publish_Service_API",
                                                 "ServiceAPIDescriptionPatch"};
inline constexpr Ref kAPIInvokerEnrolmentDetails{"TS29222_CAPIF_API_Invoker_Management_API",
                                                 "APIInvokerEnrolmentDetails"};
inline constexpr Ref kAPIInvokerEnrolmentDetailsPatch{"TS29222_CAPIF_API_Invoker_Management_API",
                                                      "APIInvokerEnrolmentDetailsPatch"};
inline constexpr Ref kAPIProviderEnrolmentDetails{"TS29222_CAPIF_API_Provider_Management_API",
                                                  "APIProviderEnrolmentDetails"};
inline constexpr Ref kAPIProviderEnrolmentDetailsPatch{"TS29222_CAPIF_API_Provider_Management_API",
                                                       "APIProviderEnrolmentDetailsPatch"};
inline constexpr Ref kEventSubscription{"TS29222_CAPIF_Events_API", "EventSubscription"};
inline constexpr Ref kEventSubscriptionPatch{"TS29222_CAPIF_Events_API", "EventSubscriptionPatch"};
inline constexpr Ref kEventNotification{"TS29222_CAPIF_Events_API", "EventNotification"};
inline constexpr Ref kInvocationLog{"TS29222_CAPIF_Logging_API_Invocation_API", "InvocationLog"};
inline constexpr Ref kServiceSecurity{"TS29222_CAPIF_Security_API", "ServiceSecurity"};
inline constexpr Ref kSecurityNotification{"TS29222_CAPIF_Security_API", "SecurityNotification"};
inline constexpr Ref kRoutingInfo{"TS29222_CAPIF_Routing_Info_API", "RoutingInfo"};
inline constexpr Ref kCheckAuthenticationReq{"TS29222_AEF_Security_API", "CheckAuthenticationReq"};
inline constexpr Ref kRevokeAuthorizationReq{"TS29222_AEF_Security_API", "RevokeAuthorizationReq"};
inline constexpr Ref kOnboardingNotification{"TS29222_CAPIF_API_Invoker_Management_API",
                                             "OnboardingNotification"};

}  // namespace capif::model::schema
