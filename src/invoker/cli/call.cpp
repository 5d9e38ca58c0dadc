// capif-invoker call --state DIR --aef-id ID --api-name N [--method GET] --path /rest [--data BODY]
//                    [--content-type TYPE]
#include "invoker/cli/args.hpp"
#include "invoker/client/operations.hpp"
#include "invoker/client/scope.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace capif::invoker::cli {
using nlohmann::json;

int cmd_call(const std::vector<std::string>& argv) {
  Args args(argv, {"--state", "--aef-id", "--api-name", "--method", "--path", "--data", "--content-type"});
  StateDir state(args.required("--state"));
  const auto id = state.require_identity();
  const auto ccf = state.require_ccf();
  auto target = resolve_target(state, args.required("--api-name"), args.get("--aef-id").value_or(""));

  if (target.method == "PSK" || target.method == "PKI") {
    auto r = check_authentication(ccf, id, target);
    if (r.status < 200 || r.status >= 300) {
      auto body = json::parse(r.body, nullptr, false);
      throw InvokerError(
          ErrorKind::remote,
          "AEF " + target.aef_id + " refused check-authentication with HTTP " + std::to_string(r.status),
          r.status, body.is_discarded() ? json(r.body) : body);
    }
  } else if (target.method == "OAUTH") {
    auto t = usable_token(state.load_tokens(), target.aef_id, target.api_name, 5, unix_now());
    if (!t) {
      auto client = make_ccf_client(ccf, &id);
      obtain_token(state, *client, build_scope({{target.aef_id, {target.api_name}}}));
      t = usable_token(state.load_tokens(), target.aef_id, target.api_name, 0, unix_now());
      if (!t) throw InvokerError(ErrorKind::remote, "the CCF granted a token that does not cover the API");
    }
    target.token = t->access_token;
  } else {
    throw local_error("security method " + target.method + " is not supported by capif-invoker");
  }

  http::ClientRequest req;
  req.method = args.get("--method").value_or("GET");
  req.body = args.get("--data").value_or("");
  if (!req.body.empty()) req.content_type = args.get("--content-type").value_or("application/json");
  const std::string path = args.required("--path");
  const std::string url = aef_api_url(target.profile, path);

  AefConnector connector(ccf, id);
  http::ClientResponse resp;
  boost::asio::io_context ioc;
  boost::asio::co_spawn(
      ioc, [&]() -> boost::asio::awaitable<void> { resp = co_await connector.forward(target, path, req); },
      boost::asio::detached);
  ioc.run();
  if (!resp.ok()) throw InvokerError(ErrorKind::transport, "AEF call " + url + " failed: " + resp.error);

  json out{
      {"status", resp.status}, {"url", url}, {"securityMethod", target.method}, {"aefId", target.aef_id}};
  if (auto* ct = resp.header("content-type")) out["content_type"] = *ct;
  auto body = json::parse(resp.body, nullptr, false);
  out["body"] = body.is_discarded() ? json(resp.body) : body;
  if (security_method_invalid(resp.status, resp.body))
    out["hint"] = "the AEF says the security method is no longer valid: run capif-invoker security again";
  print_json(out);
  return resp.status < 400 ? 0 : 1;
}

}  // namespace capif::invoker::cli
