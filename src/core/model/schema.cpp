#include "capif/model/schema.hpp"

#include "capif/model/common_data.hpp"
#include "capif/model/json_reader.hpp"

#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <regex>
#include <stdexcept>
#include <unordered_map>

namespace capif::model {
namespace schema_data {
extern const std::string_view kBundle;  // generated: build/generated/openapi_schemas.cpp
}

namespace schema {
namespace {

using nlohmann::json;

enum Type : unsigned { kObject = 1, kArray = 2, kString = 4, kInteger = 8, kNumber = 16, kBoolean = 32 };

// Longer strings are refused without running the pattern: libstdc++'s regex recurses per character,
// and every patterned 3GPP type (identifiers, addresses, feature masks) is far shorter.
constexpr std::size_t kMaxPatternInput = 1024;

struct Node {
  const Node* ref = nullptr;
  unsigned types = 0;  // 0: any type
  bool nullable = false;
  bool read_only = false;
  bool date_time = false;
  bool int32 = false;
  std::map<std::string, const Node*, std::less<>> props;
  std::vector<std::string> required;
  const Node* items = nullptr;
  const Node* additional = nullptr;
  bool no_additional = false;
  std::optional<double> minimum, maximum;
  bool exclusive_min = false, exclusive_max = false;
  std::optional<std::size_t> min_items, max_items, min_length, max_length;
  std::optional<std::regex> pattern;
  std::string pattern_text;
  const json* enum_values = nullptr;
  std::vector<const Node*> all_of, any_of, one_of;
  std::string discriminator;
  std::map<std::string, const Node*, std::less<>> mapping;
};

// Every schema of the bundle compiled once, at first use; read-only (so thread-safe) afterwards.
class Registry {
 public:
  Registry() : bundle_(json::parse(schema_data::kBundle)) {
    for (const auto& [key, s] : bundle_.at("schemas").items()) named(key);
  }

  const Node& find(Ref r) const {
    std::string key = std::string(r.file) + ".yaml#/components/schemas/" + std::string(r.name);
    auto it = by_key_.find(key);
    if (it == by_key_.end()) throw std::logic_error("no TS 29.222 schema " + key + " in the bundle");
    return *it->second;
  }

 private:
  const Node* named(const std::string& key) {
    if (auto it = by_key_.find(key); it != by_key_.end()) return it->second;
    auto& n = nodes_.emplace_back();
    by_key_[key] = &n;  // before compiling: schemas may refer to themselves
    compile(bundle_.at("schemas").at(key), n);
    return &n;
  }

  const Node* anonymous(const json& s) {
    auto& n = nodes_.emplace_back();
    compile(s, n);
    return &n;
  }

  static unsigned type_of(const std::string& t) {
    if (t == "object") return kObject;
    if (t == "array") return kArray;
    if (t == "string") return kString;
    if (t == "integer") return kInteger;
    if (t == "number") return kNumber | kInteger;
    if (t == "boolean") return kBoolean;
    return 0;
  }

  void compile(const json& s, Node& n) {
    if (!s.is_object()) return;
    if (auto r = s.find("$ref"); r != s.end()) {
      n.ref = named(r->get<std::string>());
      return;  // OpenAPI 3.0: siblings of $ref are ignored
    }
    if (auto t = s.find("type"); t != s.end() && t->is_string()) n.types = type_of(t->get<std::string>());
    n.nullable = s.value("nullable", false);
    n.read_only = s.value("readOnly", false);
    auto format = s.value("format", std::string{});
    n.date_time = format == "date-time";
    n.int32 = format == "int32";
    if (auto p = s.find("properties"); p != s.end())
      for (const auto& [name, ps] : p->items()) n.props[name] = anonymous(ps);
    if (auto r = s.find("required"); r != s.end()) n.required = r->get<std::vector<std::string>>();
    if (auto i = s.find("items"); i != s.end()) n.items = anonymous(*i);
    if (auto a = s.find("additionalProperties"); a != s.end()) {
      if (a->is_boolean())
        n.no_additional = !a->get<bool>();
      else
        n.additional = anonymous(*a);
    }
    auto number = [&](const char* k, std::optional<double>& out) {
      if (auto v = s.find(k); v != s.end() && v->is_number()) out = v->get<double>();
    };
    auto count = [&](const char* k, std::optional<std::size_t>& out) {
      if (auto v = s.find(k); v != s.end() && v->is_number_unsigned()) out = v->get<std::size_t>();
    };
    number("minimum", n.minimum);
    number("maximum", n.maximum);
    n.exclusive_min = s.value("exclusiveMinimum", false);
    n.exclusive_max = s.value("exclusiveMaximum", false);
    count("minItems", n.min_items);
    count("maxItems", n.max_items);
    count("minLength", n.min_length);
    count("maxLength", n.max_length);
    if (auto p = s.find("pattern"); p != s.end()) {
      n.pattern_text = p->get<std::string>();
      n.pattern.emplace(n.pattern_text, std::regex::ECMAScript | std::regex::optimize);
    }
    if (auto e = s.find("enum"); e != s.end()) n.enum_values = &*e;
    auto list = [&](const char* k, std::vector<const Node*>& out) {
      if (auto l = s.find(k); l != s.end())
        for (const auto& b : *l) out.push_back(anonymous(b));
    };
    list("allOf", n.all_of);
    list("anyOf", n.any_of);
    list("oneOf", n.one_of);
    if (auto d = s.find("discriminator"); d != s.end()) {
      n.discriminator = d->value("propertyName", std::string{});
      if (auto m = d->find("mapping"); m != d->end())
        for (const auto& [value, key] : m->items()) n.mapping[value] = named(key.get<std::string>());
    }
  }

  json bundle_;
  std::deque<Node> nodes_;
  std::unordered_map<std::string, const Node*> by_key_;
};

const Registry& registry() {
  static const Registry r;
  return r;
}

std::string type_names(unsigned t) {
  std::string out;
  auto add = [&](unsigned bit, const char* name) {
    if (!(t & bit)) return;
    if (!out.empty()) out += " or ";
    out += name;
  };
  add(kObject, "an object");
  add(kArray, "an array");
  add(kString, "a string");
  if (t & kNumber)
    add(kNumber, "a number");
  else
    add(kInteger, "an integer");
  add(kBoolean, "a boolean");
  return out;
}

// 3 and 3.0 are the same JSON number; 1e300 is whole but is no 64-bit integer (and casting it would be UB).
bool whole(double d) {
  return std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 0x1p63;
}

bool has_type(const json& v, unsigned t) {
  switch (v.type()) {
    case json::value_t::object:
      return t & kObject;
    case json::value_t::array:
      return t & kArray;
    case json::value_t::string:
      return t & kString;
    case json::value_t::boolean:
      return t & kBoolean;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return t & (kInteger | kNumber);
    case json::value_t::number_float: {
      if (t & kNumber) return true;
      double d = v.get<double>();
      return (t & kInteger) && whole(d);
    }
    default:
      return false;
  }
}

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string number_text(double d) {
  json j = whole(d) ? json(static_cast<long long>(d)) : json(d);
  return j.dump();
}

class Validator {
 public:
  Validator(InvalidParams* errs, bool request) : errs_(errs), request_(request) {}
  bool failed() const { return failed_; }

  // in_patch: v is a member of a merge-patch object (or nested in one), where null means "delete".
  void check(const Node* n, const json& v, const std::string& ptr, bool in_patch) {
    while (n->ref) n = n->ref;
    if (v.is_null() && (n->nullable || (in_patch && !ptr.empty()))) return;
    if (n->types && !has_type(v, n->types)) return fail(ptr, "must be " + type_names(n->types));
    if (n->enum_values &&
        std::find(n->enum_values->begin(), n->enum_values->end(), v) == n->enum_values->end())
      return fail(ptr, "must be one of " + n->enum_values->dump());
    if (v.is_string()) string(*n, v.get_ref<const std::string&>(), ptr);
    if (v.is_number()) number(*n, v, ptr);
    if (v.is_array()) array(*n, v, ptr);  // RFC 7396 replaces arrays whole: no deletions inside
    if (v.is_object()) object(*n, v, ptr, in_patch);
    for (const auto* b : n->all_of) check(b, v, ptr, in_patch);
    if (!n->any_of.empty()) any_of(*n, v, ptr, in_patch);
    if (!n->one_of.empty()) one_of(*n, v, ptr, in_patch);
  }

 private:
  // A probe (errs_ == nullptr) only learns whether a branch matches, without building messages.
  void fail(const std::string& ptr, std::string why) {
    failed_ = true;
    if (errs_) errs_->push_back({ptr, std::move(why)});
  }

  void string(const Node& n, const std::string& s, const std::string& ptr) {
    auto len = (n.min_length || n.max_length) ? code_points(s) : 0;
    if (n.min_length && len < *n.min_length)
      fail(ptr, "must have at least " + std::to_string(*n.min_length) + " character(s)");
    if (n.max_length && len > *n.max_length)
      fail(ptr, "must have at most " + std::to_string(*n.max_length) + " character(s)");
    if (n.pattern && (s.size() > kMaxPatternInput || !std::regex_search(s, *n.pattern)))
      fail(ptr, "must match the pattern " + n.pattern_text);
    if (n.date_time)
      if (const char* why = check_date_time(s)) fail(ptr, why);
  }

  void number(const Node& n, const json& v, const std::string& ptr) {
    double d = v.get<double>();
    if (n.minimum && (n.exclusive_min ? d <= *n.minimum : d < *n.minimum))
      fail(ptr, std::string(n.exclusive_min ? "must be > " : "must be >= ") + number_text(*n.minimum));
    if (n.maximum && (n.exclusive_max ? d >= *n.maximum : d > *n.maximum))
      fail(ptr, std::string(n.exclusive_max ? "must be < " : "must be <= ") + number_text(*n.maximum));
    if (n.int32 &&
        (d < std::numeric_limits<std::int32_t>::min() || d > std::numeric_limits<std::int32_t>::max()))
      fail(ptr, "must fit in 32 bits (int32)");
  }

  void array(const Node& n, const json& v, const std::string& ptr) {
    if (n.min_items && v.size() < *n.min_items)
      fail(ptr, "must have at least " + std::to_string(*n.min_items) + " item(s)");
    if (n.max_items && v.size() > *n.max_items)
      fail(ptr, "must have at most " + std::to_string(*n.max_items) + " item(s)");
    if (n.items)
      for (std::size_t i = 0; i < v.size(); ++i) check(n.items, v[i], child_pointer(ptr, i), false);
  }

  static bool read_only(const Node* n) {
    for (; n; n = n->ref)
      if (n->read_only) return true;
    return false;
  }

  void object(const Node& n, const json& v, const std::string& ptr, bool in_patch) {
    for (const auto& name : n.required) {
      if (v.contains(name)) continue;
      auto p = n.props.find(name);
      // A readOnly member is required in responses only (OpenAPI 3.0 "readOnly").
      if (p != n.props.end() && request_ && read_only(p->second)) continue;
      if (in_patch) continue;  // a merge patch names only what changes
      fail(child_pointer(ptr, name), "is required");
    }
    for (const auto& [name, value] : v.items()) {
      if (auto p = n.props.find(name); p != n.props.end())
        check(p->second, value, child_pointer(ptr, name), in_patch);
      else if (n.no_additional)
        fail(child_pointer(ptr, name), "is not a member of this schema");
      else if (n.additional)
        check(n.additional, value, child_pointer(ptr, name), in_patch);
    }
  }

  // Validates v against one branch into a scratch list.
  bool matches(const Node* b, const json& v, const std::string& ptr, bool in_patch) {
    Validator probe(nullptr, request_);
    probe.check(b, v, ptr, in_patch);
    return !probe.failed();
  }
  InvalidParams attempt(const Node* b, const json& v, const std::string& ptr, bool in_patch) {
    InvalidParams scratch;
    Validator(&scratch, request_).check(b, v, ptr, in_patch);
    return scratch;
  }

  // No branch matched. When every branch failed on the value itself or on a missing member (wrong type,
  // enum, pattern, "is required"), one line at the value naming why each alternative failed; otherwise
  // the errors of the branch that came closest (its type matched, something inside did not).
  void no_match(std::vector<InvalidParams>& tries, const std::string& ptr) {
    auto shallow = [&](const InvalidParam& e) {
      return e.param == ptr || (e.reason == "is required" && e.param.rfind(ptr + "/", 0) == 0 &&
                                e.param.find('/', ptr.size() + 1) == std::string::npos);
    };
    bool all_shallow = true;
    for (const auto& t : tries) all_shallow = all_shallow && std::all_of(t.begin(), t.end(), shallow);
    if (all_shallow) {
      std::string why;
      for (const auto& t : tries)
        for (const auto& e : t) {
          auto line = e.param == ptr ? e.reason : e.param.substr(ptr.size() + 1) + " " + e.reason;
          if (why.find(line) == std::string::npos) why += (why.empty() ? "" : "; or ") + line;
        }
      return fail(ptr, "matches none of its alternatives: " + why);
    }
    InvalidParams* best = nullptr;
    for (auto& t : tries) {
      bool deep = !std::all_of(t.begin(), t.end(), shallow);
      if (deep && (!best || t.size() < best->size())) best = &t;
    }
    if (errs_) errs_->insert(errs_->end(), best->begin(), best->end());
    failed_ = true;
  }

  static const Node* resolved(const Node* n) {
    while (n->ref) n = n->ref;
    return n;
  }

  // The alternatives of GeographicArea share a base (GADShape) whose discriminator names the one meant:
  // checking only that one gives errors about the shape the client chose.
  static const Node* discriminated(const std::vector<const Node*>& branches, const json& v) {
    if (!v.is_object()) return nullptr;
    for (const auto* b : branches)
      for (const auto* base : resolved(b)->all_of) {
        const Node* d = resolved(base);
        if (d->discriminator.empty()) continue;
        auto tag = v.find(d->discriminator);
        if (tag == v.end() || !tag->is_string()) return nullptr;
        auto m = d->mapping.find(tag->get_ref<const std::string&>());
        if (m == d->mapping.end()) return nullptr;
        for (const auto* c : branches)  // a shape this schema does not list is left to the generic check
          if (resolved(c) == resolved(m->second)) return m->second;
        return nullptr;
      }
    return nullptr;
  }

  void any_of(const Node& n, const json& v, const std::string& ptr, bool in_patch) {
    if (const Node* chosen = discriminated(n.any_of, v)) return check(chosen, v, ptr, in_patch);
    for (const auto* b : n.any_of)
      if (matches(b, v, ptr, in_patch)) return;
    report_no_match(n.any_of, v, ptr, in_patch);
  }

  void one_of(const Node& n, const json& v, const std::string& ptr, bool in_patch) {
    if (!n.discriminator.empty() && v.is_object()) {
      auto d = v.find(n.discriminator);
      if (d == v.end() || !d->is_string()) return fail(child_pointer(ptr, n.discriminator), "is required");
      auto m = n.mapping.find(d->get_ref<const std::string&>());
      if (m != n.mapping.end()) return check(m->second, v, ptr, in_patch);
    }
    if (const Node* chosen = discriminated(n.one_of, v)) return check(chosen, v, ptr, in_patch);
    std::size_t matched = 0;
    for (const auto* b : n.one_of) matched += matches(b, v, ptr, in_patch);
    if (matched == 1) return;
    if (matched > 1) return fail(ptr, too_many(n.one_of, matched));
    report_no_match(n.one_of, v, ptr, in_patch);
  }

  // AefProfile, InterfaceDescription: "oneOf: [{required: [a]}, {required: [b]}]" means exactly one of
  // the members a, b; say it that way.
  static std::string too_many(const std::vector<const Node*>& branches, std::size_t matched) {
    std::string members;
    for (const auto* b : branches) {
      const Node* r = resolved(b);
      if (r->required.size() != 1 || r->types || !r->props.empty()) {
        members.clear();
        break;
      }
      members += (members.empty() ? "" : ", ") + r->required.front();
    }
    if (!members.empty()) return "must have exactly one of " + members + ", not several";
    return "must match exactly one of its alternatives (oneOf), matches " + std::to_string(matched);
  }

  // Only on the error path: every branch again, this time with its messages.
  void report_no_match(const std::vector<const Node*>& branches, const json& v, const std::string& ptr,
                       bool in_patch) {
    failed_ = true;
    if (!errs_) return;
    std::vector<InvalidParams> tries;
    for (const auto* b : branches) tries.push_back(attempt(b, v, ptr, in_patch));
    no_match(tries, ptr);
  }

  InvalidParams* errs_;
  bool request_;
  bool failed_ = false;
};

}  // namespace

void validate(const nlohmann::json& body, Ref schema, InvalidParams& errs, Body kind) {
  const Node& root = registry().find(schema);
  Validator(&errs, kind != Body::response).check(&root, body, std::string{}, kind == Body::merge_patch);
}

void require(const nlohmann::json& body, Ref schema, Body kind) {
  InvalidParams errs;
  validate(body, schema, errs, kind);
  if (!errs.empty())
    throw ApiError::bad_request("the request body is not a valid " + std::string(schema.name), std::move(errs));
}

}  // namespace schema
}  // namespace capif::model
