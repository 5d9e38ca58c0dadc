// capif-invoker run --config FILE: the sidecar.
#include "capif/config/yaml_reader.hpp"
#include "capif/http/admin.hpp"
#include "capif/metrics.hpp"
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
  std::unique_ptr<http::AdminServer> admin;
  if (cfg.admin.enabled) {
    metrics::Registry::global().set("capif_build_info", {{"daemon", "capif-invoker"}, {"version", "0.1.0"}}, 1);
    // Ready once prepare() went through (onboarded, negotiated): the identity it serves with is on disk.
    admin = std::make_unique<http::AdminServer>(
        http::AdminOptions{cfg.admin.address, static_cast<std::uint16_t>(cfg.admin.port), "capif-invoker",
                           "0.1.0"},
        std::vector<http::ReadinessCheck>{{"identity", [file = cfg.state_dir / "invoker.json"] {
                                             std::error_code ec;
                                             return std::filesystem::is_regular_file(file, ec)
                                                        ? std::string()
                                                        : "missing " + file.string();
                                           }}});
    admin->start();
  }
  // One line of JSON on stdout once the port is open: scripts and tests wait for it.
  std::cout << sidecar.summary().dump() << std::endl;
  sidecar.run();
  if (admin) admin->stop();
  return 0;
}

}  // namespace capif::invoker::cli
