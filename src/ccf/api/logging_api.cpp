// HTTP adapter of CAPIF_Logging_API_Invocation_API: /api-invocation-logs/v1/{aefId}/logs
#include "ccf/service/logging_api.hpp"

#include "ccf/api/adapter.hpp"
#include "ccf/api/routes.hpp"

namespace capif::ccf::api {

void add_logging_routes(http::Router& router, const CcfContext& ctx) {
  auto svc = std::make_shared<LoggingService>(ctx);
  router.add("POST", "/api-invocation-logs/v1/{aefId}/logs",
             [svc, ctx](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
               const auto& aef_id = rc.param("aefId");
               // The owner is checked before the body is read: another AEF learns nothing from a 400.
               if (rc.principal.id != aef_id)
                 throw ApiError::forbidden("an AEF may only store logs under its own aefId");
               auto log = model_body<model::InvocationLog>(rc.request, kJson, "InvocationLog");
               const auto id = svc->add(rc.principal, aef_id, log);
               co_return created(model::to_json(log),
                                 ctx.location("/api-invocation-logs/v1/" + aef_id + "/logs/" + id));
             },
             {http::ClientAuth::required, {PrincipalKind::aef}});
}

}  // namespace capif::ccf::api
