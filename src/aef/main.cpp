// capif-aef: a CAPIF API provider (AMF/APF/AEF) and its CAPIF-2e enforcement gateway.
#include "aef/app.hpp"
#include "aef/config.hpp"

#include <spdlog/spdlog.h>

#include <iostream>
#include <string>
#include <vector>

namespace {
constexpr const char* kUsage = R"(usage:
  capif-aef --config FILE   register the provider domain at the CCF (first start), publish the configured
                            APIs, and serve them over CAPIF-2e (TLS-PSK, PKI, OAuth)
  capif-aef --help
  capif-aef --version
See docs/configuration.md (capif-aef) for the configuration file.
)";
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> v(argv + 1, argv + argc);
  std::string config;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == "--help" || v[i] == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (v[i] == "--version") {
      std::cout << "capif-aef 0.1.0\n";
      return 0;
    }
    if (v[i] == "--config" && i + 1 < v.size()) {
      config = v[++i];
      continue;
    }
    std::cerr << "capif-aef: unknown or incomplete argument: " << v[i] << "\n" << kUsage;
    return 2;
  }
  if (config.empty()) {
    std::cerr << "capif-aef: --config FILE is required\n" << kUsage;
    return 2;
  }
  try {
    auto cfg = capif::aef::load_aef_config(config);
    capif::aef::setup_logging(cfg);
    capif::aef::AefApp app(cfg);
    auto port = app.listen();
    std::cout << "capif-aef " << app.aef_id() << " listening on https://" << cfg.listen.address << ":" << port
              << std::endl;
    app.run();
    spdlog::info("stopped");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "capif-aef: " << e.what() << "\n";
    return 1;
  }
}
