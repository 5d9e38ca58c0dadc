// capif-invoker run --config FILE: the sidecar.
#include "capif/config/yaml_reader.hpp"
#include "invoker/cli/args.hpp"
#include "invoker/sidecar/sidecar.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

namespace capif::invoker::cli {

int cmd_run(const std::vector<std::string>& argv) {
  Args args(argv, {"--config"});
  SidecarConfig cfg;
  try {
    cfg = load_sidecar_config(args.required("--config"));
  } catch (const config::ConfigError& e) {
    throw InvokerError(ErrorKind::usage, e.what());
  }
  spdlog::set_default_logger(spdlog::stderr_color_mt("capif-invoker"));
  Sidecar sidecar(cfg);
  sidecar.prepare();
  sidecar.listen();
  // One line of JSON on stdout once the port is open: scripts and tests wait for it.
  std::cout << sidecar.summary().dump() << std::endl;
  sidecar.run();
  return 0;
}

}  // namespace capif::invoker::cli
