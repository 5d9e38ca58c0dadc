#include "capif/model/json_reader.hpp"

namespace capif::model {

std::string pointer_token(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

std::string child_pointer(const std::string& parent, std::string_view key) {
  return parent + "/" + pointer_token(key);
}

std::string child_pointer(const std::string& parent, std::size_t index) {
  return parent + "/" + std::to_string(index);
}

bool from_json(const nlohmann::json& j, std::string& out, const std::string& pointer, InvalidParams& errs) {
  if (!j.is_string()) {
    errs.push_back({pointer, "must be a string"});
    return false;
  }
  out = j.get<std::string>();
  return true;
}

bool from_json(const nlohmann::json& j, bool& out, const std::string& pointer, InvalidParams& errs) {
  if (!j.is_boolean()) {
    errs.push_back({pointer, "must be a boolean"});
    return false;
  }
  out = j.get<bool>();
  return true;
}

JsonReader::JsonReader(const nlohmann::json& obj, std::string pointer, InvalidParams& errs)
    : obj_(obj), ptr_(std::move(pointer)), errs_(errs), start_(errs.size()), object_(obj.is_object()) {}

bool JsonReader::is_object() {
  if (!object_) fail(ptr_, "must be an object");
  return object_;
}

const nlohmann::json* JsonReader::find(std::string_view key) const {
  if (!object_) return nullptr;
  auto it = obj_.find(key);
  return it == obj_.end() ? nullptr : &*it;
}

const nlohmann::json* JsonReader::find_or_missing(std::string_view key) {
  if (!object_) return nullptr;
  const auto* v = find(key);
  if (!v) fail(at(key), "is required");
  return v;
}

namespace {
bool check_string(const nlohmann::json& v, std::string& out, const std::string& ptr, StringCheck check,
                  InvalidParams& errs) {
  if (!from_json(v, out, ptr, errs)) return false;
  if (const char* why = check(out)) {
    errs.push_back({ptr, why});
    return false;
  }
  return true;
}
}  // namespace

void JsonReader::req(std::string_view key, std::string& out, StringCheck check) {
  if (const auto* v = find_or_missing(key)) check_string(*v, out, at(key), check, errs_);
}

void JsonReader::opt(std::string_view key, std::optional<std::string>& out, StringCheck check) {
  const auto* v = find(key);
  if (!v) return;
  std::string tmp;
  if (check_string(*v, tmp, at(key), check, errs_)) out = std::move(tmp);
}

void JsonReader::patch(std::string_view key, PatchField<std::string>& out, StringCheck check) {
  const auto* v = find(key);
  if (!v) return;
  out.present = true;
  if (v->is_null()) return;
  std::string tmp;
  if (check_string(*v, tmp, at(key), check, errs_)) out.value = std::move(tmp);
}

void JsonReader::opt_int(std::string_view key, std::optional<std::int64_t>& out, std::int64_t min,
                         std::int64_t max) {
  const auto* v = find(key);
  if (!v) return;
  const auto ptr = at(key);
  const auto range = "must be between " + std::to_string(min) + " and " + std::to_string(max);
  if (!v->is_number_integer()) {
    fail(ptr, "must be an integer");
  } else if (v->is_number_unsigned() &&
             v->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    fail(ptr, range);
  } else if (auto n = v->get<std::int64_t>(); n < min || n > max) {
    fail(ptr, range);
  } else {
    out = n;
  }
}

void JsonReader::opt_object(std::string_view key, std::optional<nlohmann::json>& out) {
  const auto* v = find(key);
  if (!v) return;
  if (!v->is_object())
    fail(at(key), "must be an object");
  else
    out = *v;
}

}  // namespace capif::model
