#pragma once
// AEF_Security_API (TS 29.222 clause 8.8): check-authentication (invoker) and revoke-authorization (CCF).
#include "aef/gateway/gateway.hpp"
#include "capif/http/router.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace capif::aef::api {

// ccf_ca_fingerprint: sha256 of the AEF's own CCF's CA (now: SIGHUP may reload it); revoke-authorization
// must chain to it.
void add_aef_security_routes(http::Router& r, Gateway& gateway, std::string ccf_id,
                             std::function<std::string()> ccf_ca_fingerprint);

// The extension onboardedCcfId of a CheckAuthenticationReq (the invoker's CCF when it is not ours):
// nullopt when absent; 400 ApiError naming /onboardedCcfId unless a string of [A-Za-z0-9._-]{1,64}.
std::optional<std::string> onboarded_ccf_id(const nlohmann::json& check_authentication_req);

}  // namespace capif::aef::api
