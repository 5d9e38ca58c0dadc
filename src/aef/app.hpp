#pragma once
// Wiring of capif-aef: config -> provider registration/publication -> gateway (HTTPS, CAPIF-2e) + log
// shipper.
#include "aef/config.hpp"

#include <cstdint>
#include <memory>

namespace capif::aef {

class AefApp {
 public:
  explicit AefApp(AefConfig cfg);  // registers/publishes at the CCF (blocking); throws on refusal
  ~AefApp();
  std::uint16_t listen();
  void run();  // serves until SIGTERM/SIGINT or stop(); flushes pending logs before returning
  void stop();
  const std::string& aef_id() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

void setup_logging(const AefConfig& cfg);

}  // namespace capif::aef
