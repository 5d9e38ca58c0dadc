// capif-invoker: the CAPIF API invoker command line and sidecar.
#include "invoker/cli/args.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <string>
#include <vector>

namespace {
constexpr const char* kUsage = R"(usage:
  capif-invoker onboard  --ccf URL --ca FILE (--credential JWT | --credential-file FILE) --state DIR
                         [--notification-destination URL]
  capif-invoker discover --state DIR [--api-name NAME] [--aef-id ID]
  capif-invoker security --state DIR --aef-id ID [--api-id ID] --methods PSK,PKI,OAUTH [--tls12]
  capif-invoker token    --state DIR --scope '3gpp#aefId:apiName[,apiName][;aefId:apiName]'
  capif-invoker call     --state DIR --api-name NAME [--aef-id ID] [--method GET] --path /rest
                         [--data BODY] [--content-type TYPE]
  capif-invoker offboard --state DIR
  capif-invoker run      --config FILE        the sidecar (see docs/configuration.md)
Each command prints its result as JSON on stdout (exit 0). A failure prints
{"error": "...", "status": HTTP status or 0, "problem": {...}} on stderr and exits with
1 (the CCF or AEF refused), 2 (usage or configuration), 3 (no answer: connect/TLS/timeout) or
4 (local state). `call` prints the AEF's answer on stdout and exits 1 when its status is >= 400.
)";
}  // namespace

int main(int argc, char** argv) {
  using namespace capif::invoker;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "capif-invoker 0.1.0\n";
    return 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command != "run") spdlog::set_level(spdlog::level::warn);
  try {
    if (command == "onboard") return cli::cmd_onboard(args);
    if (command == "discover") return cli::cmd_discover(args);
    if (command == "security") return cli::cmd_security(args);
    if (command == "token") return cli::cmd_token(args);
    if (command == "call") return cli::cmd_call(args);
    if (command == "offboard") return cli::cmd_offboard(args);
    if (command == "run") return cli::cmd_run(args);
    throw usage_error("unknown command " + command);
  } catch (const InvokerError& e) {
    std::cerr << e.to_json().dump(2) << std::endl;
    if (e.kind() == ErrorKind::usage) std::cerr << kUsage;
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << InvokerError(ErrorKind::local, e.what()).to_json().dump(2) << std::endl;
    return 4;
  }
}
