// HTTP adapter of CAPIF_Access_Control_Policy_API: /access-control-policy/v1
#include "ccf/service/access_control_policy_api.hpp"

#include "ccf/api/adapter.hpp"
#include "ccf/api/routes.hpp"

namespace capif::ccf::api {

void add_access_control_policy_routes(http::Router& router, const CcfContext& ctx) {
  auto svc = std::make_shared<AccessControlPolicyService>(ctx);
  router.add("GET", "/access-control-policy/v1/accessControlPolicyList/{serviceApiId}",
             [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
               co_return json_response(
                   200, model::to_json(svc->policies(rc.principal, rc.param("serviceApiId"),
                                                     rc.request.query_param("aef-id"),
                                                     rc.request.query_param("api-invoker-id"))));
             },
             {http::ClientAuth::required, {PrincipalKind::aef}});
}

}  // namespace capif::ccf::api
