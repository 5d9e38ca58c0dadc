// HTTP adapter of CAPIF_Discover_Service_API: /service-apis/v1/allServiceAPIs
#include "ccf/service/discover_service_api.hpp"

#include "ccf/api/adapter.hpp"
#include "ccf/api/routes.hpp"

namespace capif::ccf::api {

void add_discover_routes(http::Router& router, const CcfContext& ctx) {
  auto svc = std::make_shared<DiscoverService>(ctx);
  router.add("GET", "/service-apis/v1/allServiceAPIs",
             [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
               InvalidParams errs;
               auto query = model::parse_discover_query(rc.request.query, errs);
               if (!query) throw ApiError::bad_request("invalid discovery query", errs);
               co_return http::Response::json(200, svc->discover(rc.principal, *query));
             },
             {http::ClientAuth::required, {PrincipalKind::invoker, PrincipalKind::peer_ccf}});
}

}  // namespace capif::ccf::api
