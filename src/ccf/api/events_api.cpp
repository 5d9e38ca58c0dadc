// HTTP adapter of CAPIF_Events_API: /capif-events/v1/{subscriberId}/subscriptions
#include "ccf/service/events_api.hpp"

#include "ccf/api/adapter.hpp"
#include "ccf/api/routes.hpp"

namespace capif::ccf::api {
namespace {
constexpr const char* kBase = "/capif-events/v1/";
constexpr auto kSchema = model::schema::kEventSubscription;
}  // namespace

void add_events_routes(http::Router& router, const CcfContext& ctx) {
  auto svc = std::make_shared<EventsService>(ctx);
  const std::string all = std::string(kBase) + "{subscriberId}/subscriptions";
  const std::string one = all + "/{subscriptionId}";
  const http::RouteOptions subscriber{
      http::ClientAuth::required,
      {PrincipalKind::invoker, PrincipalKind::aef, PrincipalKind::apf, PrincipalKind::amf}};

  router.add(
      "POST", all,
      [svc, ctx](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto in = model_body<model::EventSubscription>(rc.request, kJson, kSchema);
        const auto& subscriber = rc.param("subscriberId");
        auto rec = svc->subscribe(rc.principal, subscriber, std::move(in));
        co_return created(model::to_json(rec.sub),
                          ctx.location(kBase + subscriber + "/subscriptions/" + rec.subscription_id));
      },
      subscriber);

  router.add(
      "PUT", one,
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto in = model_body<model::EventSubscription>(rc.request, kJson, kSchema);
        co_return json_response(200, model::to_json(svc->update(rc.principal, rc.param("subscriberId"),
                                                                rc.param("subscriptionId"), std::move(in))));
      },
      subscriber);

  router.add(
      "PATCH", one,
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto patch = model_body<model::EventSubscriptionPatch>(rc.request, kMergePatch,
                                                               model::schema::kEventSubscriptionPatch);
        co_return json_response(200, model::to_json(svc->patch(rc.principal, rc.param("subscriberId"),
                                                               rc.param("subscriptionId"), patch)));
      },
      subscriber);

  // websockNotifConfig: the subscriber opens this websocket; notifications of the subscription then
  // arrive on it (notification_delivery) until it closes.
  router.add(
      "GET", one + "/websocket",
      [svc, ctx](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        const std::string sub_id = rc.param("subscriptionId");
        svc->check_websocket(rc.principal, rc.param("subscriberId"), sub_id);
        auto accept = std::make_shared<http::WebSocketAccept>();
        auto opened = std::make_shared<const http::WebSocket*>(nullptr);
        WebSocketHub* hub = &ctx.websockets;
        accept->on_open = [hub, sub_id, opened](std::shared_ptr<http::WebSocket> ws) {
          *opened = ws.get();
          hub->attach(sub_id, std::move(ws));
        };
        accept->on_close = [hub, sub_id, opened] { hub->detach(sub_id, *opened); };
        accept->write_timeout = std::chrono::milliseconds(ctx.config.notifications.timeout_ms);
        co_return http::Response::accept_websocket(std::move(accept));
      },
      subscriber);

  router.add(
      "DELETE", one,
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        svc->unsubscribe(rc.principal, rc.param("subscriberId"), rc.param("subscriptionId"));
        co_return http::Response::no_content();
      },
      subscriber);
}

}  // namespace capif::ccf::api
