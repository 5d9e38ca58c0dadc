#pragma once
// Guards for untrusted JSON text, applied before it is parsed into a tree.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string_view>

namespace capif::model {

// TS 29.222 documents nest a dozen levels at most; a deeper document is refused before parsing because
// recursive copies of a very deep tree would exhaust the stack.
inline constexpr std::size_t kMaxJsonDepth = 64;

// Nesting depth of arrays/objects in `text` (strings and escapes respected); stops counting past `limit`.
std::size_t json_nesting_depth(std::string_view text, std::size_t limit = kMaxJsonDepth + 1);

// A request body parsed under that guard; throws ApiError 400 (nested too deeply, or malformed at byte N).
nlohmann::json parse_request_json(std::string_view text);

}  // namespace capif::model
