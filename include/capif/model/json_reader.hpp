#pragma once
// Validating JSON -> struct reader shared by every model's from_json. It never throws on bad
// input: each problem is appended to an InvalidParams list with an RFC 6901 pointer, so one
// request can report all of its bad fields at once.
#include "capif/problem.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capif::model {

// A member of a JSON merge-patch body: absent, null (delete the target member) or a value.
template <class T>
struct PatchField {
  bool present = false;
  std::optional<T> value;  // empty while present == true means JSON null

  bool is_delete() const { return present && !value; }
  bool operator==(const PatchField&) const = default;
};

// Escapes '~' and '/' in one reference token (RFC 6901 section 3).
std::string pointer_token(std::string_view key);
std::string child_pointer(const std::string& parent, std::string_view key);
std::string child_pointer(const std::string& parent, std::size_t index);

// Returns nullptr when the string is valid, otherwise a short reason ("must be ...").
using StringCheck = const char* (*)(std::string_view);

// Leaf parsers; the models add overloads for their own types in this namespace.
bool from_json(const nlohmann::json& j, std::string& out, const std::string& pointer, InvalidParams& errs);
bool from_json(const nlohmann::json& j, bool& out, const std::string& pointer, InvalidParams& errs);

inline nlohmann::json to_json(const std::string& v) {
  return v;
}
inline nlohmann::json to_json(bool v) {
  return v;
}
inline nlohmann::json to_json(std::int64_t v) {
  return v;
}
inline nlohmann::json to_json(const nlohmann::json& v) {
  return v;
}

template <class T>
nlohmann::json to_json(const std::vector<T>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& e : v) a.push_back(to_json(e));
  return a;
}

// Writes key only when the optional is engaged (absent optionals are omitted).
template <class T>
void put(nlohmann::json& j, const char* key, const std::optional<T>& v) {
  if (v) j[key] = to_json(*v);
}
template <class T>
void put(nlohmann::json& j, const char* key, const PatchField<T>& v) {
  if (v.present) j[key] = v.value ? to_json(*v.value) : nlohmann::json(nullptr);
}

class JsonReader {
 public:
  JsonReader(const nlohmann::json& obj, std::string pointer, InvalidParams& errs);

  // Reports "must be an object" at the reader's pointer; all reads are no-ops on a non-object.
  bool is_object();
  // True when nothing was reported since construction (by this reader or nested parsers).
  bool ok() const { return errs_.size() == start_; }
  const std::string& pointer() const { return ptr_; }
  std::string at(std::string_view key) const { return child_pointer(ptr_, key); }
  bool has(std::string_view key) const { return find(key) != nullptr; }
  void fail(std::string pointer, std::string reason) {
    errs_.push_back({std::move(pointer), std::move(reason)});
  }

  template <class T>
  void req(std::string_view key, T& out) {
    if (const auto* v = find_or_missing(key)) from_json(*v, out, at(key), errs_);
  }
  template <class T>
  void opt(std::string_view key, std::optional<T>& out) {
    if (const auto* v = find(key)) parse_into(*v, out, at(key));
  }
  // Strings with an extra format check (Uri, DateTime, SupportedFeatures, ...).
  void req(std::string_view key, std::string& out, StringCheck check);
  void opt(std::string_view key, std::optional<std::string>& out, StringCheck check);

  template <class T>
  void req(std::string_view key, std::vector<T>& out, std::size_t min_items) {
    if (const auto* v = find_or_missing(key)) parse_array(*v, out, at(key), min_items);
  }
  template <class T>
  void opt(std::string_view key, std::optional<std::vector<T>>& out, std::size_t min_items) {
    if (const auto* v = find(key)) {
      out.emplace();
      if (!parse_array(*v, *out, at(key), min_items)) out.reset();
    }
  }

  // Merge-patch members: null is accepted and recorded as a deletion.
  template <class T>
  void patch(std::string_view key, PatchField<T>& out) {
    const auto* v = find(key);
    if (!v) return;
    out.present = true;
    if (!v->is_null()) parse_into(*v, out.value, at(key));
  }
  void patch(std::string_view key, PatchField<std::string>& out, StringCheck check);
  template <class T>
  void patch(std::string_view key, PatchField<std::vector<T>>& out, std::size_t min_items) {
    const auto* v = find(key);
    if (!v) return;
    out.present = true;
    if (v->is_null()) return;
    out.value.emplace();
    if (!parse_array(*v, *out.value, at(key), min_items)) out.value.reset();
  }

  void opt_int(std::string_view key, std::optional<std::int64_t>& out, std::int64_t min = 0,
               std::int64_t max = std::numeric_limits<std::int64_t>::max());
  // Raw passthrough for schemas kept as JSON (AefLocation, IpAddrRange, WebsockNotifConfig).
  void opt_object(std::string_view key, std::optional<nlohmann::json>& out);

  template <class T>
  bool parse_array(const nlohmann::json& v, std::vector<T>& out, const std::string& ptr,
                   std::size_t min_items) {
    if (!v.is_array()) {
      fail(ptr, "must be an array");
      return false;
    }
    if (v.size() < min_items) fail(ptr, "must have at least " + std::to_string(min_items) + " item(s)");
    bool good = v.size() >= min_items;
    out.clear();
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      T item{};
      good = from_json(v[i], item, child_pointer(ptr, i), errs_) && good;
      out.push_back(std::move(item));
    }
    return good;
  }

 private:
  const nlohmann::json* find(std::string_view key) const;
  const nlohmann::json* find_or_missing(std::string_view key);
  template <class T>
  void parse_into(const nlohmann::json& v, std::optional<T>& out, const std::string& ptr) {
    T tmp{};
    if (from_json(v, tmp, ptr, errs_)) out = std::move(tmp);
  }

  const nlohmann::json& obj_;
  std::string ptr_;
  InvalidParams& errs_;
  std::size_t start_;
  bool object_ = false;
};

// Parses a whole request body; the root pointer is "".
template <class T>
std::optional<T> parse_body(const nlohmann::json& j, InvalidParams& errs) {
  T out{};
  const auto before = errs.size();
  from_json(j, out, std::string{}, errs);
  if (errs.size() != before) return std::nullopt;
  return out;
}

}  // namespace capif::model
