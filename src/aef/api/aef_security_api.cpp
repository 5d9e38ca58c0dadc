#include "aef/api/aef_security_api.hpp"

#include "capif/model/common_data.hpp"
#include "capif/model/json_limits.hpp"
#include "capif/model/schema.hpp"
#include "capif/problem.hpp"

#include <regex>

namespace capif::aef::api {
using nlohmann::json;

namespace {

// The body must match its TS 29.222 schema (every violation named) before the checks below.
json json_body(const http::Request& req, model::schema::Ref schema) {
  if (req.media_type() != "application/json")
    throw ApiError(415, "Unsupported Media Type", "Content-Type must be application/json",
                   "UNSUPPORTED_MEDIA_TYPE", {{"Content-Type", "must be application/json"}});
  auto j = model::parse_request_json(req.body);
  model::schema::require(j, schema);
  return j;
}

std::string required_string(const json& j, const char* key, const std::string& pointer) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string() || it->get<std::string>().empty())
    throw ApiError::bad_request("missing or invalid " + std::string(key),
                                {{pointer, "must be a non-empty string"}});
  return *it;
}

std::string features(const json& j, const std::string& pointer) {
  auto f = required_string(j, "supportedFeatures", pointer);
  if (model::check_supported_features(f))
    throw ApiError::bad_request("invalid supportedFeatures", {{pointer, "must be a hex string"}});
  return f;
}

}  // namespace

std::optional<std::string> onboarded_ccf_id(const json& body) {
  static const std::regex id_re("[A-Za-z0-9._-]{1,64}");
  auto it = body.find("onboardedCcfId");
  if (it == body.end()) return std::nullopt;
  // It becomes a query parameter of our call to the CCF: only the CCF id alphabet is let through.
  if (!it->is_string() || !std::regex_match(it->get<std::string>(), id_re))
    throw ApiError::bad_request("invalid onboardedCcfId",
                                {{"/onboardedCcfId", "must be a CCF id matching [A-Za-z0-9._-]{1,64}"}});
  return it->get<std::string>();
}

void add_aef_security_routes(http::Router& r, Gateway& gw, std::string ccf_id,
                             std::function<std::string()> ccf_ca_fingerprint) {
  const http::RouteOptions open{http::ClientAuth::optional, {}};

  r.add(
      "POST", "/aef-security/v1/check-authentication",
      [&gw](http::RequestContext& ctx) -> boost::asio::awaitable<http::Response> {
        auto body = json_body(ctx.request, model::schema::kCheckAuthenticationReq);
        auto invoker = required_string(body, "apiInvokerId", "/apiInvokerId");
        auto feats = features(body, "/supportedFeatures");
        auto onboarded = onboarded_ccf_id(body);  // extension: the invoker onboarded at another CCF
        // A caller with a CCF certificate may only ask for itself.
        if (ctx.tls.client_cert_verified && ctx.tls.client_cn != invoker)
          throw ApiError::forbidden("apiInvokerId is not the invoker of the client certificate");
        if (!ctx.tls.psk_identity.empty() && ctx.tls.psk_identity != invoker)
          throw ApiError::forbidden("apiInvokerId is not the PSK identity of this session");
        int status = co_await gw.fetch_security(invoker, onboarded);
        if (status == 0)
          throw ApiError(503, "Service Unavailable", "the CCF cannot be reached; try again later",
                         "CCF_UNAVAILABLE");
        if (status == 404)
          throw ApiError::not_found("the CCF has no security context of " + invoker + " for this AEF");
        if (status != 200)
          throw ApiError::forbidden("the CCF does not let this AEF read the security information of " +
                                    invoker + " (no API of this AEF negotiated)");
        co_return http::Response::json(
            200, json{{"supportedFeatures", model::intersect_features(feats, "0")}}.dump());
      },
      open);

  r.add(
      "POST", "/aef-security/v1/revoke-authorization",
      [&gw, ccf_id, ccf_ca_fingerprint](http::RequestContext& ctx) -> boost::asio::awaitable<http::Response> {
        if (!ctx.tls.client_cert_verified)
          throw ApiError::unauthorized("revoke-authorization needs the CCF's client certificate");
        // Our CCF's name from our CCF's CA: the listener also trusts CAs of remote invokers' CCFs, and
        // those must not be able to vouch for a certificate named after our CCF.
        if (ctx.tls.client_cn != ccf_id || ctx.tls.client_anchor_fingerprint != ccf_ca_fingerprint())
          throw ApiError::forbidden("only the CCF may revoke authorizations");
        auto body = json_body(ctx.request, model::schema::kRevokeAuthorizationReq);
        auto feats = features(body, "/supportedFeatures");
        auto info = body.find("revokeInfo");
        if (info == body.end() || !info->is_object())
          throw ApiError::bad_request("missing revokeInfo",
                                      {{"/revokeInfo", "must be a SecurityNotification"}});
        auto invoker = required_string(*info, "apiInvokerId", "/revokeInfo/apiInvokerId");
        std::vector<std::string> ids;
        auto list = info->find("apiIds");
        if (list == info->end() || !list->is_array())
          throw ApiError::bad_request("missing revokeInfo.apiIds",
                                      {{"/revokeInfo/apiIds", "must be an array"}});
        for (const auto& v : *list)
          if (v.is_string()) ids.push_back(v);
        if (auto aef = info->find("aefId");
            aef != info->end() && aef->is_string() && *aef != gw.options().aef_id)
          throw ApiError::bad_request("revokeInfo.aefId is another AEF",
                                      {{"/revokeInfo/aefId", "not this AEF"}});
        gw.revoke(invoker, ids);
        co_return http::Response::json(
            200, json{{"supportedFeatures", model::intersect_features(feats, "0")}}.dump());
      },
      open);
}

}  // namespace capif::aef::api
