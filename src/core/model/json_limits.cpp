#include "capif/model/json_limits.hpp"

#include "capif/problem.hpp"

namespace capif::model {

std::size_t json_nesting_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest && (deepest = depth) >= limit) return deepest;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

nlohmann::json parse_request_json(std::string_view text) {
  if (json_nesting_depth(text) > kMaxJsonDepth)
    throw ApiError::bad_request("the request body is nested too deeply",
                                {{"", "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels"}});
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw ApiError::bad_request("the request body is not valid JSON",
                                {{"", "malformed JSON at byte " + std::to_string(e.byte)}});
  }
}

}  // namespace capif::model
