#pragma once
// Shared helpers of the thin HTTP adapters: body parsing into models, JSON responses.
#include "capif/http/router.hpp"
#include "capif/model/json_reader.hpp"
#include "capif/model/schema.hpp"
#include "capif/problem.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace capif::ccf::api {

inline constexpr std::string_view kJson = "application/json";
inline constexpr std::string_view kMergePatch = "application/merge-patch+json";

// 415 for another media type, 400 (with the parser's position) for malformed JSON.
nlohmann::json json_body(const http::Request& req, std::string_view media_type);

// The body is checked against the TS 29.222 OpenAPI schema first (every violation named), then read
// into the model, whose own checks (formats, cross-field rules) report the same way.
template <class T>
T model_body(const http::Request& req, std::string_view media_type, model::schema::Ref schema) {
  auto j = json_body(req, media_type);
  model::schema::require(
      j, schema, media_type == kMergePatch ? model::schema::Body::merge_patch : model::schema::Body::request);
  InvalidParams errs;
  auto v = model::parse_body<T>(j, errs);
  if (!v) throw ApiError::bad_request("the request body is not a valid " + std::string(schema.name), errs);
  return std::move(*v);
}

http::Response json_response(int status, const nlohmann::json& body);
http::Response created(const nlohmann::json& body, const std::string& location);

}  // namespace capif::ccf::api
