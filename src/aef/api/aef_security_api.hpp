#pragma once
// AEF_Security_API (TS 29.222 clause 8.8): check-authentication (invoker) and revoke-authorization (CCF).
#include "aef/gateway/gateway.hpp"
#include "capif/http/router.hpp"

namespace capif::aef::api {

void add_aef_security_routes(http::Router& r, Gateway& gateway, std::string ccf_id);

}  // namespace capif::aef::api
