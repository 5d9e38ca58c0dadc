#include "ccf/api/adapter.hpp"

#include "capif/model/json_limits.hpp"

namespace capif::ccf::api {

nlohmann::json json_body(const http::Request& req, std::string_view media_type) {
  const std::string mt = req.media_type();
  if (mt != media_type)
    throw ApiError(415, "Unsupported Media Type",
                   "Content-Type must be " + std::string(media_type) + (mt.empty() ? "" : ", not " + mt),
                   "UNSUPPORTED_MEDIA_TYPE", {{"Content-Type", "must be " + std::string(media_type)}});
  return model::parse_request_json(req.body);
}

http::Response json_response(int status, const nlohmann::json& body) {
  return http::Response::json(status, body.dump());
}

http::Response created(const nlohmann::json& body, const std::string& location) {
  auto r = http::Response::json(201, body.dump());
  r.with_header("Location", location);
  return r;
}

}  // namespace capif::ccf::api
