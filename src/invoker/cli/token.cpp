// capif-invoker token --state DIR --scope '3gpp#aefId:apiName'
#include "invoker/cli/args.hpp"
#include "invoker/client/operations.hpp"

namespace capif::invoker::cli {

int cmd_token(const std::vector<std::string>& argv) {
  Args args(argv, {"--state", "--scope"});
  StateDir state(args.required("--state"));
  const auto scope = args.required("--scope");
  const auto id = state.require_identity();
  auto client = make_ccf_client(state.require_ccf(), &id);
  print_json(obtain_token(state, *client, scope));
  return 0;
}

}  // namespace capif::invoker::cli
