// capif-invoker security --state DIR --aef-id ID [--api-id ID] --methods PSK,PKI,OAUTH [--tls12]
#include "invoker/cli/args.hpp"
#include "invoker/client/operations.hpp"

namespace capif::invoker::cli {

std::vector<std::string> parse_methods(const std::string& list) {
  auto methods = split_list(list);
  if (methods.empty()) throw usage_error("--methods needs at least one of PSK, PKI, OAUTH");
  for (const auto& m : methods)
    if (m != "PSK" && m != "PKI" && m != "OAUTH") throw usage_error("unknown security method " + m);
  return methods;
}

int cmd_security(const std::vector<std::string>& argv) {
  Args args(argv, {"--state", "--aef-id", "--api-id", "--methods"}, {"--tls12"});
  StateDir state(args.required("--state"));
  NegotiationRequest req{args.required("--aef-id"), args.get("--api-id").value_or(""),
                         parse_methods(args.required("--methods"))};
  const auto id = state.require_identity();
  auto client = make_ccf_client(state.require_ccf(), &id, {.tls12_for_negotiation = args.flag("--tls12")});
  print_json(negotiate(state, *client, {req}));
  return 0;
}

}  // namespace capif::invoker::cli
