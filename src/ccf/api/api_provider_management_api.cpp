// HTTP adapter of CAPIF_API_Provider_Management_API: /api-provider-management/v1/registrations
#include "ccf/api/adapter.hpp"
#include "ccf/api/routes.hpp"
#include "ccf/onboarding_credentials.hpp"
#include "ccf/service/api_provider_management.hpp"

namespace capif::ccf::api {
namespace {
constexpr const char* kBase = "/api-provider-management/v1/registrations";
constexpr auto kSchema = model::schema::kAPIProviderEnrolmentDetails;
}  // namespace

void add_provider_management_routes(http::Router& router, const CcfContext& ctx) {
  auto svc = std::make_shared<ProviderManagement>(ctx);
  const http::RouteOptions amf{http::ClientAuth::required, {PrincipalKind::amf}};

  // Registration runs over server-authenticated TLS; the credential is the Bearer token or regSec.
  router.add("POST", kBase,
             [svc, ctx](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
               const auto bearer = rc.request.bearer_token();
               if (bearer) verify_onboarding_credential(ctx.pki, ctx.config.ccf.id, &*bearer, "provider");
               auto in = model_body<model::APIProviderEnrolmentDetails>(rc.request, kJson, kSchema);
               if (!bearer) verify_onboarding_credential(ctx.pki, ctx.config.ccf.id, &in.regSec, "provider");
               auto out = svc->register_provider(std::move(in));
               co_return created(model::to_json(out),
                                 ctx.location(std::string(kBase) + "/" + *out.apiProvDomId));
             },
             {http::ClientAuth::optional, {}});

  router.add(
      "PUT", std::string(kBase) + "/{registrationId}",
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto in = model_body<model::APIProviderEnrolmentDetails>(rc.request, kJson, kSchema);
        co_return json_response(
            200, model::to_json(svc->update(rc.principal, rc.param("registrationId"), std::move(in))));
      },
      amf);

  router.add(
      "PATCH", std::string(kBase) + "/{registrationId}",
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto patch = model_body<model::APIProviderEnrolmentDetailsPatch>(
            rc.request, kMergePatch, model::schema::kAPIProviderEnrolmentDetailsPatch);
        co_return json_response(200,
                                model::to_json(svc->patch(rc.principal, rc.param("registrationId"), patch)));
      },
      amf);

  router.add(
      "DELETE", std::string(kBase) + "/{registrationId}",
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        svc->deregister(rc.principal, rc.param("registrationId"));
        co_return http::Response::no_content();
      },
      amf);
}

}  // namespace capif::ccf::api
