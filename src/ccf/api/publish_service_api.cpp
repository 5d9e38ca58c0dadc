// HTTP adapter of CAPIF_Publish_Service_API: /published-apis/v1/{apfId}/service-apis
#include "ccf/service/publish_service_api.hpp"

#include "ccf/api/adapter.hpp"
#include "ccf/api/routes.hpp"

namespace capif::ccf::api {
namespace {
constexpr auto kSchema = model::schema::kServiceAPIDescription;
}

void add_publish_routes(http::Router& router, const CcfContext& ctx) {
  auto svc = std::make_shared<PublishService>(ctx);
  const http::RouteOptions apf{http::ClientAuth::required, {PrincipalKind::apf, PrincipalKind::peer_ccf}};
  const std::string base = "/published-apis/v1/{apfId}/service-apis";
  const std::string one = base + "/{serviceApiId}";

  router.add(
      "POST", base,
      [svc, ctx](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto in = model_body<model::ServiceAPIDescription>(rc.request, kJson, kSchema);
        const auto& apf_id = rc.param("apfId");
        auto out = svc->publish(rc.principal, apf_id, std::move(in));
        co_return created(model::to_json(out),
                          ctx.location("/published-apis/v1/" + apf_id + "/service-apis/" + *out.apiId));
      },
      apf);

  router.add(
      "GET", base,
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto arr = nlohmann::json::array();
        for (const auto& api : svc->list(rc.principal, rc.param("apfId"))) arr.push_back(model::to_json(api));
        co_return json_response(200, arr);
      },
      apf);

  router.add(
      "GET", one,
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        co_return json_response(
            200, model::to_json(svc->get(rc.principal, rc.param("apfId"), rc.param("serviceApiId"))));
      },
      apf);

  router.add(
      "PUT", one,
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto in = model_body<model::ServiceAPIDescription>(rc.request, kJson, kSchema);
        co_return json_response(200, model::to_json(svc->update(rc.principal, rc.param("apfId"),
                                                                rc.param("serviceApiId"), std::move(in))));
      },
      apf);

  router.add(
      "PATCH", one,
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto patch = model_body<model::ServiceAPIDescriptionPatch>(
            rc.request, kMergePatch, model::schema::kServiceAPIDescriptionPatch);
        co_return json_response(200, model::to_json(svc->patch(rc.principal, rc.param("apfId"),
                                                               rc.param("serviceApiId"), patch)));
      },
      apf);

  router.add(
      "DELETE", one,
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        svc->unpublish(rc.principal, rc.param("apfId"), rc.param("serviceApiId"));
        co_return http::Response::no_content();
      },
      apf);
}

}  // namespace capif::ccf::api
