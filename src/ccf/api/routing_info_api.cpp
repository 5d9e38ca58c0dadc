// HTTP adapter of CAPIF_Routing_Info_API: /capif-routing-info/v1/service-apis/{serviceApiId}
#include "ccf/service/routing_info_api.hpp"

#include "ccf/api/adapter.hpp"
#include "ccf/api/routes.hpp"

namespace capif::ccf::api {

void add_routing_info_routes(http::Router& router, const CcfContext& ctx) {
  auto svc = std::make_shared<RoutingInfoService>(ctx);
  const std::string one = "/capif-routing-info/v1/service-apis/{serviceApiId}";

  router.add("GET", one,
             [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
               co_return json_response(200, model::to_json(svc->get(rc.principal, rc.param("serviceApiId"),
                                                                    rc.request.query_param("aef-id"))));
             },
             {http::ClientAuth::required, {PrincipalKind::aef}});

  // Extension: the publishing APF configures the rules the GET answers from.
  router.add("PUT", one,
             [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
               auto info = model_body<model::RoutingInfo>(rc.request, kJson, model::schema::kRoutingInfo);
               co_return json_response(
                   200, model::to_json(svc->put(rc.principal, rc.param("serviceApiId"), std::move(info))));
             },
             {http::ClientAuth::required, {PrincipalKind::apf}});
}

}  // namespace capif::ccf::api
