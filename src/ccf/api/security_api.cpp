// HTTP adapter of CAPIF_Security_API: /capif-security/v1
#include "ccf/service/security_api.hpp"

#include "capif/metrics.hpp"
#include "ccf/api/adapter.hpp"
#include "ccf/api/routes.hpp"
#include "ccf/interconnect/peer_client.hpp"

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
  metrics::Registry::global().inc("capif_tokens_rejected_total", {{"reason", e.body().error}});
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
  // CAPIF-6/6e: a peer CCF forwards negotiations (PUT), fetches keys (GET with aefId) and revokes (DELETE).
  const http::RouteOptions invoker_or_peer{http::ClientAuth::required, {PrincipalKind::invoker, PrincipalKind::peer_ccf}};
  const http::RouteOptions aef_or_peer{http::ClientAuth::required, {PrincipalKind::aef, PrincipalKind::peer_ccf}};

  // PUT creates or replaces the context (201 either way); POST .../update renegotiates an existing one.
  router.add(
      "PUT", one,
      [svc, ctx](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto in = model_body<model::ServiceSecurity>(rc.request, kJson, model::schema::kServiceSecurity);
        const auto& id = rc.param("apiInvokerId");
        auto out = co_await svc->negotiate(rc.principal, id, std::move(in), rc.tls.aefpsk_key,
                                           rc.tls.aefpsk_session_id, false);
        co_return created(model::to_json(out), ctx.location(std::string(kBase) + "/trustedInvokers/" + id));
      },
      invoker_or_peer);

  router.add(
      "POST", one + "/update",
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto in = model_body<model::ServiceSecurity>(rc.request, kJson, model::schema::kServiceSecurity);
        auto out = co_await svc->negotiate(rc.principal, rc.param("apiInvokerId"), std::move(in),
                                           rc.tls.aefpsk_key, rc.tls.aefpsk_session_id, true);
        co_return json_response(200, model::to_json(out));
      },
      invoker);

  router.add(
      "GET", one,
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        const bool authn = flag(rc.request, "authenticationInfo");
        const bool authz = flag(rc.request, "authorizationInfo");
        const auto& id = rc.param("apiInvokerId");
        if (rc.principal.kind == PrincipalKind::peer_ccf) {
          // Extension (docs/openapi-delta.yaml): the designated CCF fetches what one AEF needs.
          auto aef_id = rc.request.query_param("aefId");
          if (!aef_id || aef_id->empty())
            throw ApiError::bad_request("a peer CCF names the AEF", {{"aefId", "is required"}});
          co_return json_response(200, model::to_json(svc->security_info_for_peer(rc.principal, id, *aef_id)));
        }
        // Extension: the invoker is onboarded at this peer CCF (it said so in check-authentication).
        auto onboarded = rc.request.query_param("onboardedCcfId");
        auto out = co_await svc->get(rc.principal, id, authn, authz, onboarded);
        co_return json_response(200, model::to_json(out));
      },
      aef_or_peer);

  router.add(
      "DELETE", one,
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        // AEFs, the invoker and peer CCFs are notified through the outbox.
        svc->revoke_all(rc.principal, rc.param("apiInvokerId"));
        co_return http::Response::no_content();
      },
      {http::ClientAuth::required, {PrincipalKind::aef, PrincipalKind::invoker, PrincipalKind::peer_ccf}});

  router.add(
      "POST", one + "/delete",
      [svc](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
        auto n = model_body<model::SecurityNotification>(rc.request, kJson, model::schema::kSecurityNotification);
        svc->revoke_some(rc.principal, rc.param("apiInvokerId"), n);  // notifications: via the outbox
        co_return http::Response::no_content();
      },
      aef);

  // Token errors are AccessTokenErr (RFC 6749 5.2), so the route does its own client authentication
  // instead of the router's ProblemDetails 401/403.
  router.add("POST", std::string(kBase) + "/securities/{securityId}/token",
             [svc, ctx](http::RequestContext& rc) -> boost::asio::awaitable<http::Response> {
               TokenForward forward;
               try {
                 if (rc.request.media_type() != "application/x-www-form-urlencoded")
                   throw TokenError(415, "invalid_request",
                                    "Content-Type must be application/x-www-form-urlencoded");
                 std::string why;
                 auto req = model::parse_access_token_req(rc.request.body, why);
                 if (!req) throw TokenError(400, "invalid_request", why);
                 auto decision = svc->token(rc.principal, rc.param("securityId"), *req,
                                            rc.request.header("authorization"));
                 if (auto* rsp = std::get_if<model::AccessTokenRsp>(&decision)) {
                   metrics::Registry::global().inc("capif_tokens_issued_total");
                   auto r = json_response(200, model::to_json(*rsp));
                   r.with_header("Cache-Control", "no-store");
                   co_return r;
                 }
                 forward = std::get<TokenForward>(decision);
               } catch (const TokenError& e) {
                 co_return token_error(e);
               }
               // Flow 3: the designated CCF issues the token; its answer (token or AccessTokenErr) is relayed.
               // A peer that cannot be asked is a ProblemDetails naming it, not an OAuth client error.
               auto relayed = co_await ctx.peer_client->token(forward.peer, rc.param("securityId"), forward.scope);
               metrics::Registry::global().inc(
                   "capif_tokens_forwarded_total",
                   {{"peer", forward.peer}, {"status", std::to_string(relayed.status)}});
               auto r = http::Response::json(relayed.status, std::move(relayed.body));
               r.with_header("Cache-Control", "no-store");
               co_return r;
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
