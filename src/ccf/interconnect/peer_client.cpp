#include "ccf/interconnect/peer_client.hpp"

#include "capif/http/uri.hpp"
#include "capif/model/discover_service_api.hpp"
#include "capif/model/json_limits.hpp"
#include "ccf/interconnect/peers.hpp"

namespace capif::ccf {
namespace {
namespace asio = boost::asio;
using nlohmann::json;

// Every path and body is built in a named variable before the co_await that sends it: GCC 12 may destroy
// temporaries of a co_await full-expression twice (docs/architecture.md, async style).

// The peer answered, but not with what the operation promises: 502 naming it.
ApiError bad_answer(const std::string& peer, const std::string& what) {
  return ApiError(502, "Bad Gateway", "peer CCF " + peer + " gave an invalid answer: " + what,
                  "PEER_BAD_ANSWER");
}

json parse(const std::string& peer, const http::ClientResponse& rsp) {
  if (model::json_nesting_depth(rsp.body) > model::kMaxJsonDepth) throw bad_answer(peer, "JSON nested too deeply");
  auto j = json::parse(rsp.body, nullptr, false);
  if (j.is_discarded()) throw bad_answer(peer, "not JSON (HTTP " + std::to_string(rsp.status) + ")");
  return j;
}

// "The peer said no": its ProblemDetails passed on, kept apart from "could not reach the peer".
ApiError refusal(const std::string& peer, const http::ClientResponse& rsp) {
  auto j = json::parse(rsp.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || rsp.status < 400 || rsp.status > 599)
    return bad_answer(peer, "HTTP " + std::to_string(rsp.status));
  // A 401 is about this CCF's credentials at the peer, not the invoker's: a gateway failure for the caller.
  if (rsp.status == 401)
    return ApiError(502, "Bad Gateway",
                    "peer CCF " + peer + " did not accept this CCF's certificate: " + j.value("detail", ""),
                    "PEER_REFUSED_CCF");
  InvalidParams params;
  if (auto it = j.find("invalidParams"); it != j.end() && it->is_array())
    for (const auto& p : *it)
      if (p.is_object() && p.contains("param") && p["param"].is_string())
        params.push_back({p["param"].get<std::string>(), p.value("reason", "")});
  return ApiError(rsp.status, j.value("title", "Error"), "peer CCF " + peer + ": " + j.value("detail", ""),
                  j.value("cause", ""), std::move(params));
}

template <class T>
T parse_model(const std::string& peer, const http::ClientResponse& rsp, const char* schema) {
  InvalidParams errs;
  T out;
  if (!model::from_json(parse(peer, rsp), out, "", errs))
    throw bad_answer(peer, std::string("not a valid ") + schema + " (" + errs.front().param + " " +
                               errs.front().reason + ")");
  return out;
}
}  // namespace

asio::awaitable<http::ClientResponse> HttpPeerClient::send(const std::string& peer, std::string method,
                                                           std::string path, std::string body,
                                                           std::string content_type) {
  http::ClientRequest req;
  req.method = std::move(method);
  req.url = std::move(path);
  req.body = std::move(body);
  req.content_type = std::move(content_type);
  req.headers.push_back({"Accept", "application/json"});
  co_return co_await peers_.call(peer, std::move(req));
}

asio::awaitable<std::string> HttpPeerClient::publish(const std::string& peer,
                                                     const model::ServiceAPIDescription& api) {
  std::string path = "/published-apis/v1/" + own_id_ + "/service-apis", body = model::to_json(api).dump();
  auto rsp = co_await send(peer, "POST", std::move(path), std::move(body), "application/json");
  if (rsp.status != 201) throw refusal(peer, rsp);
  auto out = parse_model<model::ServiceAPIDescription>(peer, rsp, "ServiceAPIDescription");
  if (!out.apiId) throw bad_answer(peer, "the publication has no apiId");
  co_return *out.apiId;
}

asio::awaitable<void> HttpPeerClient::update(const std::string& peer, const std::string& remote_api_id,
                                             const model::ServiceAPIDescription& api) {
  std::string path = "/published-apis/v1/" + own_id_ + "/service-apis/" + http::percent_encode(remote_api_id);
  std::string body = model::to_json(api).dump();
  auto rsp = co_await send(peer, "PUT", std::move(path), std::move(body), "application/json");
  if (rsp.status != 200 && rsp.status != 204) throw refusal(peer, rsp);
}

asio::awaitable<void> HttpPeerClient::unpublish(const std::string& peer, const std::string& remote_api_id) {
  std::string path = "/published-apis/v1/" + own_id_ + "/service-apis/" + http::percent_encode(remote_api_id);
  auto rsp = co_await send(peer, "DELETE", std::move(path));
  if (rsp.status != 204 && rsp.status != 404) throw refusal(peer, rsp);
}

asio::awaitable<std::vector<std::string>> HttpPeerClient::published_ids(const std::string& peer) {
  std::string path = "/published-apis/v1/" + own_id_ + "/service-apis";
  auto rsp = co_await send(peer, "GET", std::move(path));
  if (rsp.status == 404) co_return std::vector<std::string>{};  // some CCFs answer 404 for an empty list
  if (rsp.status != 200) throw refusal(peer, rsp);
  auto j = parse(peer, rsp);
  if (!j.is_array()) throw bad_answer(peer, "the publication list is not an array");
  std::vector<std::string> ids;
  for (const auto& api : j)
    if (api.is_object() && api.contains("apiId") && api["apiId"].is_string()) ids.push_back(api["apiId"]);
  co_return ids;
}

asio::awaitable<std::vector<model::ServiceAPIDescription>> HttpPeerClient::discover(const std::string& peer,
                                                                                     const std::string& query) {
  std::string path = "/service-apis/v1/allServiceAPIs?api-invoker-id=" + http::percent_encode(own_id_);
  if (!query.empty()) path += "&" + query;
  auto rsp = co_await send(peer, "GET", std::move(path));
  if (rsp.status != 200) throw refusal(peer, rsp);
  auto j = parse(peer, rsp);
  std::vector<model::ServiceAPIDescription> out;
  if (!j.is_object() || !j.contains("serviceAPIDescriptions")) co_return out;
  const auto& arr = j["serviceAPIDescriptions"];
  if (!arr.is_array()) throw bad_answer(peer, "serviceAPIDescriptions is not an array");
  for (const auto& item : arr) {
    InvalidParams errs;
    model::ServiceAPIDescription api;
    if (!model::from_json(item, api, "", errs)) throw bad_answer(peer, "not a valid ServiceAPIDescription");
    out.push_back(std::move(api));
  }
  co_return out;
}

asio::awaitable<model::ServiceSecurity> HttpPeerClient::negotiate(const std::string& peer,
                                                                  const std::string& invoker_id,
                                                                  const model::ServiceSecurity& body) {
  std::string path = "/capif-security/v1/trustedInvokers/" + http::percent_encode(invoker_id);
  std::string json_body = model::to_json(body).dump();
  auto rsp = co_await send(peer, "PUT", std::move(path), std::move(json_body), "application/json");
  if (rsp.status != 201 && rsp.status != 200) throw refusal(peer, rsp);
  auto out = parse_model<model::ServiceSecurity>(peer, rsp, "ServiceSecurity");
  if (out.securityInfo.size() != body.securityInfo.size())
    throw bad_answer(peer, "the answer does not have one securityInfo entry per request entry");
  co_return out;
}

asio::awaitable<model::ServiceSecurity> HttpPeerClient::security_info(const std::string& peer,
                                                                      const std::string& invoker_id,
                                                                      const std::string& aef_id) {
  std::string path = "/capif-security/v1/trustedInvokers/" + http::percent_encode(invoker_id) +
                     "?authenticationInfo=true&authorizationInfo=false&aefId=" + http::percent_encode(aef_id);
  auto rsp = co_await send(peer, "GET", std::move(path));
  if (rsp.status != 200) throw refusal(peer, rsp);
  co_return parse_model<model::ServiceSecurity>(peer, rsp, "ServiceSecurity");
}

asio::awaitable<void> HttpPeerClient::revoke(const std::string& peer, const std::string& invoker_id) {
  std::string path = "/capif-security/v1/trustedInvokers/" + http::percent_encode(invoker_id);
  auto rsp = co_await send(peer, "DELETE", std::move(path));
  if (rsp.status != 204 && rsp.status != 404) throw refusal(peer, rsp);
}

asio::awaitable<RelayedAnswer> HttpPeerClient::token(const std::string& peer, const std::string& invoker_id,
                                                     const std::string& scope) {
  std::string form = "grant_type=client_credentials&client_id=" + http::percent_encode(invoker_id);
  if (!scope.empty()) form += "&scope=" + http::percent_encode(scope);
  std::string path = "/capif-security/v1/securities/" + http::percent_encode(invoker_id) + "/token";
  auto rsp = co_await send(peer, "POST", std::move(path), std::move(form), "application/x-www-form-urlencoded");
  // The token endpoint answers AccessTokenRsp or AccessTokenErr (RFC 6749): both are relayed as they are.
  auto j = parse(peer, rsp);
  if (!j.is_object() || (rsp.status == 200 ? !j.contains("access_token") : !j.contains("error")))
    throw bad_answer(peer, "not an OAuth 2.0 token answer (HTTP " + std::to_string(rsp.status) + ")");
  co_return RelayedAnswer{rsp.status, std::move(rsp.body)};
}

}  // namespace capif::ccf
