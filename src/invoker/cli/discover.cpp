// capif-invoker discover --state DIR [--api-name N] [--aef-id ID]
#include "invoker/cli/args.hpp"
#include "invoker/client/operations.hpp"

namespace capif::invoker::cli {

int cmd_discover(const std::vector<std::string>& argv) {
  Args args(argv, {"--state", "--api-name", "--aef-id"});
  StateDir state(args.required("--state"));
  const auto id = state.require_identity();
  auto client = make_ccf_client(state.require_ccf(), &id);
  print_json(discover(state, *client, args.get("--api-name"), args.get("--aef-id")));
  return 0;
}

}  // namespace capif::invoker::cli
