#pragma once
// Errors of the CAPIF APIs and their one mapping to ProblemDetails (TS 29.122 CommonData).
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace capif {

struct InvalidParam {
  std::string param;  // JSON pointer into the body (e.g. "/aefProfiles/0/aefId"), or a header/query name
  std::string reason;
};
using InvalidParams = std::vector<InvalidParam>;

// Thrown by services and adapters; the HTTP server turns it into a ProblemDetails response.
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string title, std::string detail, std::string cause = {},
           InvalidParams params = {});

  static ApiError bad_request(std::string detail, InvalidParams params = {},
                              std::string cause = "INVALID_MSG_FORMAT");
  // 401 with the WWW-Authenticate challenge RFC 9110 requires on every 401.
  static ApiError unauthorized(std::string detail, std::string challenge = "Bearer realm=\"capif\"",
                               std::string cause = "UNAUTHORIZED");
  // 401 for a bad bearer token, with the RFC 6750 error="invalid_token" challenge.
  static ApiError invalid_token(std::string detail);
  static ApiError forbidden(std::string detail);
  static ApiError not_found(std::string detail);
  static ApiError conflict(std::string detail);
  static ApiError unsupported_media_type(std::string detail);
  static ApiError internal(std::string detail);

  int status() const { return status_; }
  const std::string& title() const { return title_; }
  const std::string& detail() const { return detail_; }
  const std::string& cause() const { return cause_; }
  const InvalidParams& invalid_params() const { return params_; }
  const std::string& challenge() const { return challenge_; }  // WWW-Authenticate value of a 401

  nlohmann::json to_problem_json(const std::string& instance = {}) const;

 private:
  int status_;
  std::string title_, detail_, cause_;
  InvalidParams params_;
  std::string challenge_;
};

inline constexpr const char* kProblemJson = "application/problem+json";

}  // namespace capif
