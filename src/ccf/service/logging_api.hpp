#pragma once
// CAPIF_Logging_API_Invocation_API service logic (TS 29.222 clause 5.7): an AEF stores invocation logs.
#include "capif/model/logging_api.hpp"
#include "ccf/service/context.hpp"

namespace capif::ccf {

class LoggingService {
 public:
  explicit LoggingService(CcfContext ctx) : ctx_(ctx) {}
  struct Added {
    std::string id;    // of the new log resource
    std::string json;  // the stored representation, model::to_json(log).dump(): also the 201 body
  };
  Added add(const Principal& caller, const std::string& aef_id, const model::InvocationLog& log);

 private:
  CcfContext ctx_;
};

}  // namespace capif::ccf
