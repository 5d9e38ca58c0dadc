#pragma once
// CAPIF_Security_API data model (TS 29.222 clause 8.5.4): security method negotiation, revocation
// notifications and the OAuth 2.0 token endpoint (form-encoded request, JSON answers).
#include "capif/model/publish_service_api.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capif::model {

// Exactly one of interfaceDetails / aefId (the spec's oneOf); prefSecurityMethods minItems 1.
struct SecurityInformation {
  std::optional<InterfaceDescription> interfaceDetails;
  std::optional<std::string> aefId;
  std::optional<std::string> apiId;
  std::vector<SecurityMethod> prefSecurityMethods;
  std::optional<SecurityMethod> selSecurityMethod;
  std::optional<std::string> authenticationInfo;
  std::optional<std::string> authorizationInfo;
  std::optional<std::vector<std::string>> authorizationFlow;  // AuthorizationFlow (extensible enum)
  // Extensions for CAPIF-6/6e (docs/openapi-delta.yaml): the CCF serving the AEF, named by the invoker
  // at its onboarded CCF; and, in answers, the CA that signs that CCF's and its AEFs' certificates.
  std::optional<std::string> designatedCcfId;
  std::optional<std::string> designatedCcfTrustAnchor;
  bool operator==(const SecurityInformation&) const = default;
};

struct ServiceSecurity {
  std::vector<SecurityInformation> securityInfo;  // at least one entry
  Uri notificationDestination;
  std::optional<bool> requestTestNotification;
  std::optional<nlohmann::json> websockNotifConfig;  // WebsockNotifConfig, kept raw
  std::optional<SupportedFeatures> supportedFeatures;
  bool operator==(const ServiceSecurity&) const = default;
};

using Cause = std::string;  // OVERLIMIT_USAGE, UNEXPECTED_REASON, ... (extensible)

struct SecurityNotification {
  std::string apiInvokerId;
  std::optional<std::string> aefId;
  std::vector<std::string> apiIds;  // minItems 1
  Cause cause;
  bool operator==(const SecurityNotification&) const = default;
};

struct AccessTokenRsp {
  std::string access_token;
  std::string token_type = "Bearer";
  std::int64_t expires_in = 0;
  std::optional<std::string> scope;
  bool operator==(const AccessTokenRsp&) const = default;
};

// error: invalid_request, invalid_client, invalid_grant, unauthorized_client, unsupported_grant_type,
// invalid_scope (RFC 6749 5.2).
struct AccessTokenErr {
  std::string error;
  std::optional<std::string> error_description;
  std::optional<std::string> error_uri;
  bool operator==(const AccessTokenErr&) const = default;
};

// application/x-www-form-urlencoded (RFC 6749 4.4.2 + TS 29.222 8.5.4.2.6).
struct AccessTokenReq {
  std::string grant_type;
  std::string client_id;
  std::optional<std::string> client_secret;
  std::optional<std::string> scope;
  std::optional<std::string> resOwnerId;
  std::optional<std::string> authCode;
  bool operator==(const AccessTokenReq&) const = default;
};

// Parses the form body. On failure returns nullopt and sets `error` to an error_description
// (malformed escape, a repeated parameter - RFC 6749 3.2 forbids them - or a missing required one).
std::optional<AccessTokenReq> parse_access_token_req(std::string_view body, std::string& error);

// One group of the scope `3gpp#aefId1:apiName1,apiName2;aefId2:apiName3` (TS 29.222 8.5.4.2.6).
struct ScopeEntry {
  std::string aefId;
  std::vector<std::string> apiNames;  // at least one
  bool operator==(const ScopeEntry&) const = default;
};
// Strict: the "3gpp#" prefix, non-empty aefIds and apiNames, no empty groups, no whitespace, no repeated
// aefId. On failure returns nullopt and sets `error`.
std::optional<std::vector<ScopeEntry>> parse_scope(std::string_view scope, std::string& error);
std::string format_scope(const std::vector<ScopeEntry>& scope);

bool from_json(const nlohmann::json& j, SecurityInformation& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, ServiceSecurity& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, SecurityNotification& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, AccessTokenRsp& out, const std::string& pointer, InvalidParams& errs);
bool from_json(const nlohmann::json& j, AccessTokenErr& out, const std::string& pointer, InvalidParams& errs);

nlohmann::json to_json(const SecurityInformation& v);
nlohmann::json to_json(const ServiceSecurity& v);
nlohmann::json to_json(const SecurityNotification& v);
nlohmann::json to_json(const AccessTokenRsp& v);
nlohmann::json to_json(const AccessTokenErr& v);

}  // namespace capif::model
