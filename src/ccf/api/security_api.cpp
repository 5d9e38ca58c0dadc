// HTTP adapter of CAPIF_Security_API: /capif-security/v1
#include "ccf/service/security_api.hpp"

#include "ccf/api/adapter.hpp"
#include "ccf/api/routes.hpp"

namespace capif::ccf::api {
namespace {
constexpr const char* kBase = "/capif-security/v1";

// authenticationInfo / authorizationInfo query flags: absent = false; anything but true/false is a 400.
bool flag(const http::Request& req, const std::string& name) {
  auto v = req.query_param(name);
  if (!v || *v == "false") return false;
  if (*v == "true") return true;
  throw ApiError::bad_request("invalid query parameter", {{name, "must be true or false"}});
}

http::Response token_error(const TokenError& e) {
  auto r = http::Response::json(e.status(), model::to_json(e.body()).dump());
  r.with_header("Cache-Control", "no-store");
  if (e.status() == 401) r.with_header("WWW-Authenticate", "Basic realm=\"capif\"");
  return r;
}
}  // namespace

void add_security_routes(http::Router& router, const CcfContext& ctx) {
  auto svc = std::make_shared<SecurityService>(ctx);
  const std::string one = std::string(kBase) + "/trustedInvokers/{apiInvokerId}";
  const http::RouteOptions invoker{http::ClientAuth::required, {PrincipalKind::invoker}};
  const http::RouteOptions aef{http::ClientAuth::required, {PrincipalKind::aef}};

  // PUT creates or replaces the context (201 either way); POST .../update renegotiates an existing one.
  router.add(
      "PUT", one,
      [svc, ctx](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto in = model_body<model::ServiceSecurity>(rc.request, kJson, "ServiceSecurity");
        const auto& id = rc.param("apiInvokerId");
        auto out = svc->negotiate(rc.principal, id, std::move(in), rc.tls.aefpsk_key,
                                  rc.tls.aefpsk_session_id, false);
        co_return created(model::to_json(out), ctx.location(std::string(kBase) + "/trustedInvokers/" + id));
      },
      invoker);

  router.add(
      "POST", one + "/update",
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto in = model_body<model::ServiceSecurity>(rc.request, kJson, "ServiceSecurity");
        co_return json_response(
            200, model::to_json(svc->negotiate(rc.principal, rc.param("apiInvokerId"), std::move(in),
                                               rc.tls.aefpsk_key, rc.tls.aefpsk_session_id, true)));
      },
      invoker);

  router.add(
      "GET", one,
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        const bool authn = flag(rc.request, "authenticationInfo");
        const bool authz = flag(rc.request, "authorizationInfo");
        co_return json_response(
            200, model::to_json(svc->get(rc.principal, rc.param("apiInvokerId"), authn, authz)));
      },
      aef);

  router.add("DELETE", one,
             [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
               svc->revoke_all(rc.principal, rc.param("apiInvokerId"));  // notifications: via the outbox
               co_return http::Response::no_content();
             },
             {http::ClientAuth::required, {PrincipalKind::aef, PrincipalKind::invoker}});

  router.add(
      "POST", one + "/delete",
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto n = model_body<model::SecurityNotification>(rc.request, kJson, "SecurityNotification");
        svc->revoke_some(rc.principal, rc.param("apiInvokerId"), n);  // notifications: via the outbox
        co_return http::Response::no_content();
      },
      aef);

  // Token errors are AccessTokenErr (RFC 6749 5.2), so the route does its own client authentication
  // instead of the router's ProblemDetails 401/403.
  router.add("POST", std::string(kBase) + "/securities/{securityId}/token",
             [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
               try {
                 if (rc.request.media_type() != "application/x-www-form-urlencoded")
                   throw TokenError(415, "invalid_request",
                                    "Content-Type must be application/x-www-form-urlencoded");
                 std::string why;
                 auto req = model::parse_access_token_req(rc.request.body, why);
                 if (!req) throw TokenError(400, "invalid_request", why);
                 auto rsp = svc->token(rc.principal, rc.param("securityId"), *req,
                                       rc.request.header("authorization"));
                 auto r = json_response(200, model::to_json(rsp));
                 r.with_header("Cache-Control", "no-store");
                 co_return r;
               } catch (const TokenError& e) {
                 co_return token_error(e);
               }
             },
             {http::ClientAuth::optional, {}});

  // Extension: the token verification key as a JWKS (RFC 7517) for AEFs.
  router.add("GET", std::string(kBase) + "/jwks",
             [svc](http::RequestContext&) -> boost::asio::awaitable<http::Response> {
               co_return json_response(200, svc->jwks());
             },
             {http::ClientAuth::required, {}});
}

}  // namespace capif::ccf::api
