// HTTP adapter of CAPIF_API_Invoker_Management_API: /api-invoker-management/v1/onboardedInvokers
#include "ccf/api/routes.hpp"

#include "ccf/api/adapter.hpp"
#include "ccf/onboarding_credentials.hpp"
#include "ccf/service/api_invoker_management.hpp"

namespace capif::ccf::api {
namespace {
constexpr const char* kBase = "/api-invoker-management/v1/onboardedInvokers";
constexpr auto kSchema = model::schema::kAPIInvokerEnrolmentDetails;

// 200 with the details, or 202 when the update waits for the operator (onboarding.require_approval): the
// outcome then comes as OnboardingNotification (TS 29.222 PUT and PATCH both allow 202).
http::Response updated(const std::optional<model::APIInvokerEnrolmentDetails>& out) {
  if (!out) return http::Response{202, {}, {}, {}, {}};
  return json_response(200, model::to_json(*out));
}
}  // namespace

void add_invoker_management_routes(http::Router& router, const CcfContext& ctx) {
  auto svc = std::make_shared<InvokerManagement>(ctx);
  const http::RouteOptions invoker{http::ClientAuth::required, {PrincipalKind::invoker}};

  // Onboarding runs over server-authenticated TLS: the caller has no certificate yet.
  router.add(
      "POST", kBase,
      [svc, ctx](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        const auto bearer = rc.request.bearer_token();
        verify_onboarding_credential(ctx.pki, ctx.config.ccf.id, bearer ? &*bearer : nullptr, "invoker");
        auto in = model_body<model::APIInvokerEnrolmentDetails>(rc.request, kJson, kSchema);
        if (ctx.config.onboarding.require_approval) {
          svc->request_onboarding(std::move(in));
          co_return http::Response{202, {}, {}, {}, {}};  // the outcome comes as OnboardingNotification
        }
        auto out = svc->onboard(std::move(in));
        co_return created(model::to_json(out), ctx.location(std::string(kBase) + "/" + *out.apiInvokerId));
      },
      {http::ClientAuth::optional, {}});

  router.add(
      "PUT", std::string(kBase) + "/{onboardingId}",
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto in = model_body<model::APIInvokerEnrolmentDetails>(rc.request, kJson, kSchema);
        co_return updated(svc->update(rc.principal, rc.param("onboardingId"), std::move(in)));
      },
      invoker);

  router.add(
      "PATCH", std::string(kBase) + "/{onboardingId}",
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto patch = model_body<model::APIInvokerEnrolmentDetailsPatch>(
            rc.request, kMergePatch, model::schema::kAPIInvokerEnrolmentDetailsPatch);
        co_return updated(svc->patch(rc.principal, rc.param("onboardingId"), patch));
      },
      invoker);

  router.add(
      "DELETE", std::string(kBase) + "/{onboardingId}",
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        // AEFs and peer CCFs serving some of its AEFs are told through the outbox (offboard()).
        svc->offboard(rc.principal, rc.param("onboardingId"));
        co_return http::Response::no_content();
      },
      invoker);
}

}  // namespace capif::ccf::api
