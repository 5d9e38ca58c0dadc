#pragma once
// One function per TS 29.222 API, each adding that API's routes to the CCF's router.
#include "capif/http/router.hpp"
#include "ccf/service/context.hpp"

namespace capif::ccf::api {

void add_invoker_management_routes(http::Router& router, const CcfContext& ctx);
void add_provider_management_routes(http::Router& router, const CcfContext& ctx);
void add_publish_routes(http::Router& router, const CcfContext& ctx);
void add_discover_routes(http::Router& router, const CcfContext& ctx);
void add_security_routes(http::Router& router, const CcfContext& ctx);
void add_access_control_policy_routes(http::Router& router, const CcfContext& ctx);
void add_logging_routes(http::Router& router, const CcfContext& ctx);
void add_auditing_routes(http::Router& router, const CcfContext& ctx);
void add_events_routes(http::Router& router, const CcfContext& ctx);
void add_routing_info_routes(http::Router& router, const CcfContext& ctx);

}  // namespace capif::ccf::api
