// HTTP adapter of CAPIF_Auditing_API: /logs/v1/apiInvocationLogs
#include "ccf/service/auditing_api.hpp"

#include "ccf/api/adapter.hpp"
#include "ccf/api/routes.hpp"

namespace capif::ccf::api {

void add_auditing_routes(http::Router& router, const CcfContext& ctx) {
  auto svc = std::make_shared<AuditingService>(ctx);
  router.add("GET", "/logs/v1/apiInvocationLogs",
             [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
               InvalidParams errs;
               auto q = model::parse_invocation_logs_query(rc.request.query, errs);
               if (!q) throw ApiError::bad_request("invalid auditing query", errs);
               co_return json_response(200, model::to_json(svc->query(rc.principal, *q)));
             },
             {http::ClientAuth::required, {PrincipalKind::amf}});
}

}  // namespace capif::ccf::api
