// capif-invoker offboard --state DIR
#include "invoker/cli/args.hpp"
#include "invoker/client/operations.hpp"

namespace capif::invoker::cli {

int cmd_offboard(const std::vector<std::string>& argv) {
  Args args(argv, {"--state"});
  StateDir state(args.required("--state"));
  const auto id = state.require_identity();
  auto client = make_ccf_client(state.require_ccf(), &id);
  print_json(offboard(state, *client));
  return 0;
}

}  // namespace capif::invoker::cli
