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
               auto log = model_body<model::InvocationLog>(rc.request, kJson, model::schema::kInvocationLog);
               auto added = svc->add(rc.principal, aef_id, log);
               // The stored text is the answer: the batch is serialised once.
               http::Response resp;
               resp.status = 201;
               resp.content_type = "application/json";
               resp.body = std::move(added.json);
               resp.with_header("Location",
                                ctx.location("/api-invocation-logs/v1/" + aef_id + "/logs/" + added.id));
               co_return resp;
             },
             {http::ClientAuth::required, {PrincipalKind::aef}});
}

}  // namespace capif::ccf::api
