#pragma once
// Wiring of the capif-ccf daemon: configuration -> key material -> store -> services -> HTTPS server.
#include "capif/config/ccf_config.hpp"

#include <cstdint>
#include <functional>
#include <memory>

namespace capif::ccf {

class CcfApp {
 public:
  explicit CcfApp(config::CcfConfig cfg);
  ~CcfApp();
  std::uint16_t listen();  // binds; returns the port
  void run();              // serves until SIGTERM/SIGINT or stop()
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

void setup_logging(const config::CcfConfig& cfg);

}  // namespace capif::ccf
