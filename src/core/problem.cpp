#include "capif/problem.hpp"

namespace capif {

ApiError::ApiError(int status, std::string title, std::string detail, std::string cause, InvalidParams params)
    : std::runtime_error(detail),
      status_(status),
      title_(std::move(title)),
      detail_(std::move(detail)),
      cause_(std::move(cause)),
      params_(std::move(params)) {}

ApiError ApiError::bad_request(std::string detail, InvalidParams params, std::string cause) {
  return ApiError(400, "Bad Request", std::move(detail), std::move(cause), std::move(params));
}
ApiError ApiError::unauthorized(std::string detail, std::string challenge, std::string cause) {
  ApiError e(401, "Unauthorized", std::move(detail), std::move(cause));
  e.challenge_ = std::move(challenge);
  return e;
}
ApiError ApiError::invalid_token(std::string detail) {
  return unauthorized(std::move(detail), "Bearer realm=\"capif\", error=\"invalid_token\"");
}
ApiError ApiError::forbidden(std::string detail) {
  return ApiError(403, "Forbidden", std::move(detail), "FORBIDDEN");
}
ApiError ApiError::not_found(std::string detail) {
  return ApiError(404, "Not Found", std::move(detail), "RESOURCE_NOT_FOUND");
}
ApiError ApiError::conflict(std::string detail) {
  return ApiError(409, "Conflict", std::move(detail), "RESOURCE_CONFLICT");
}
ApiError ApiError::unsupported_media_type(std::string detail) {
  return ApiError(415, "Unsupported Media Type", std::move(detail), "UNSUPPORTED_MEDIA_TYPE");
}
ApiError ApiError::internal(std::string detail) {
  return ApiError(500, "Internal Server Error", std::move(detail), "SYSTEM_FAILURE");
}

nlohmann::json ApiError::to_problem_json(const std::string& instance) const {
  nlohmann::json j{{"status", status_}, {"title", title_}};
  if (!detail_.empty()) j["detail"] = detail_;
  if (!cause_.empty()) j["cause"] = cause_;
  if (!instance.empty()) j["instance"] = instance;
  if (!params_.empty()) {
    auto& arr = j["invalidParams"] = nlohmann::json::array();
    for (const auto& p : params_) {
      nlohmann::json e{{"param", p.param}};
      if (!p.reason.empty()) e["reason"] = p.reason;
      arr.push_back(std::move(e));
    }
  }
  return j;
}

}  // namespace capif
