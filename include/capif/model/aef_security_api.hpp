#pragma once
// AEF_Security_API data model (TS 29.222 clause 6.2): served by the AEF on CAPIF-2e; the CCF is a
// client of revoke-authorization.
#include "capif/model/security_api.hpp"

namespace capif::model {

struct CheckAuthenticationReq {
  std::string apiInvokerId;
  SupportedFeatures supportedFeatures;
  bool operator==(const CheckAuthenticationReq&) const = default;
};

struct CheckAuthenticationRsp {
  SupportedFeatures supportedFeatures;
  bool operator==(const CheckAuthenticationRsp&) const = default;
};

struct RevokeAuthorizationReq {
  SecurityNotification revokeInfo;
  SupportedFeatures supportedFeatures;
  bool operator==(const RevokeAuthorizationReq&) const = default;
};

struct RevokeAuthorizationRsp {
  SupportedFeatures supportedFeatures;
  bool operator==(const RevokeAuthorizationRsp&) const = default;
};

bool from_json(const nlohmann::json& j, CheckAuthenticationReq& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, CheckAuthenticationRsp& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, RevokeAuthorizationReq& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, RevokeAuthorizationRsp& out, const std::string& pointer,
               InvalidParams& errs);

nlohmann::json to_json(const CheckAuthenticationReq& v);
nlohmann::json to_json(const CheckAuthenticationRsp& v);
nlohmann::json to_json(const RevokeAuthorizationReq& v);
nlohmann::json to_json(const RevokeAuthorizationRsp& v);

}  // namespace capif::model
