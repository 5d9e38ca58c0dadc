#pragma once
// The one error type of capif-invoker. The CLI prints it as {"error", "status", "problem"} on stderr and
// exits with exit_code(); the sidecar logs it (startup) or maps it to a 502 ProblemDetails (forwarding).
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace capif::invoker {

enum class ErrorKind {
  usage = 2,      // bad command line or configuration
  remote = 1,     // the CCF or the AEF answered with an error status
  transport = 3,  // no answer: connect, TLS, timeout
  local = 4,      // the state directory is missing something or cannot be written
};

class InvokerError : public std::runtime_error {
 public:
  InvokerError(ErrorKind kind, const std::string& message, int status = 0, nlohmann::json problem = nullptr)
      : std::runtime_error(message), kind_(kind), status_(status), problem_(std::move(problem)) {}
  ErrorKind kind() const { return kind_; }
  int status() const { return status_; }  // HTTP status of the refusing answer, 0 when none
  const nlohmann::json& problem() const { return problem_; }
  int exit_code() const { return static_cast<int>(kind_); }
  nlohmann::json to_json() const {
    nlohmann::json j{{"error", what()}, {"status", status_}};
    if (!problem_.is_null()) j["problem"] = problem_;
    return j;
  }

 private:
  ErrorKind kind_;
  int status_;
  nlohmann::json problem_;
};

inline InvokerError usage_error(const std::string& m) {
  return InvokerError(ErrorKind::usage, m);
}
inline InvokerError local_error(const std::string& m) {
  return InvokerError(ErrorKind::local, m);
}

}  // namespace capif::invoker
