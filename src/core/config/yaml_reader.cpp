#include "capif/config/yaml_reader.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

namespace capif::config {
namespace {

std::string join_errors(const std::string& source, const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += '\n';
    out += source + ": " + e;
  }
  return out;
}

std::string range_text(std::int64_t min, std::int64_t max) {
  return "between " + std::to_string(min) + " and " + std::to_string(max);
}

// yaml-cpp tags quoted scalars "!" and plain ones "?": a quoted "8443" is a string, not a number.
bool is_plain(const YAML::Node& n) {
  return n.Tag() != "!";
}

}  // namespace

ConfigError::ConfigError(const std::string& source, std::vector<std::string> errors)
    : std::runtime_error(join_errors(source, errors)), errors_(std::move(errors)) {}

// ---- MapReader ----

std::string MapReader::key_path(std::string_view key) const {
  return state_->prefix.empty() ? std::string(key) : state_->prefix + "." + std::string(key);
}

void MapReader::error(std::string_view key, const std::string& message) {
  reader_->add_error(key_path(key) + ": " + message);
}

bool MapReader::has(std::string_view key) const {
  if (!state_->node.IsMap()) return false;
  for (const auto& kv : state_->node)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return true;
  return false;
}

bool MapReader::has_scalar(std::string_view key) const {
  if (!state_->node.IsMap()) return false;
  for (const auto& kv : state_->node)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second.IsScalar();
  return false;
}

YAML::Node MapReader::lookup(std::string_view key) {
  state_->known.emplace(key);
  if (!state_->node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  // Iterate rather than use operator[], which on a non-const node would insert the key.
  for (const auto& kv : state_->node)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return kv.second;
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string MapReader::string(std::string_view key, std::string def) {
  YAML::Node n = lookup(key);
  if (!n.IsDefined()) return def;
  if (!n.IsScalar()) {
    error(key, "must be a string");
    return def;
  }
  return n.Scalar();
}

std::string MapReader::required_string(std::string_view key) {
  if (!lookup(key).IsDefined()) {
    error(key, "is required");
    return {};
  }
  return string(key, {});
}

std::int64_t MapReader::int_value(std::string_view key, const YAML::Node& n, std::int64_t def,
                                  std::int64_t min, std::int64_t max, const char* what) {
  auto fail = [&] {
    error(key, std::string("must be ") + what + " " + range_text(min, max));
    return def;
  };
  if (!n.IsScalar() || !is_plain(n)) return fail();
  const std::string& s = n.Scalar();
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return fail();
  if (v < min || v > max) return fail();
  return v;
}

std::int64_t MapReader::integer(std::string_view key, std::int64_t def, std::int64_t min, std::int64_t max) {
  YAML::Node n = lookup(key);
  if (!n.IsDefined()) return def;
  return int_value(key, n, def, min, max, "an integer");
}

std::int64_t MapReader::required_integer(std::string_view key, std::int64_t min, std::int64_t max) {
  YAML::Node n = lookup(key);
  if (!n.IsDefined()) {
    error(key, "is required");
    return min;
  }
  return int_value(key, n, min, min, max, "an integer");
}

std::int64_t MapReader::duration_ms(std::string_view key, std::int64_t def, std::int64_t min,
                                    std::int64_t max) {
  YAML::Node n = lookup(key);
  if (!n.IsDefined()) return def;
  return int_value(key, n, def, min, max, "an integer number of milliseconds");
}

bool MapReader::boolean(std::string_view key, bool def) {
  YAML::Node n = lookup(key);
  if (!n.IsDefined()) return def;
  // Only YAML 1.2 booleans: "yes"/"on"/"y" are too easy to write by accident (the "Norway problem").
  if (n.IsScalar() && is_plain(n)) {
    if (n.Scalar() == "true") return true;
    if (n.Scalar() == "false") return false;
  }
  error(key, "must be true or false");
  return def;
}

std::vector<std::string> MapReader::string_list(std::string_view key, std::vector<std::string> def) {
  YAML::Node n = lookup(key);
  if (!n.IsDefined()) return def;
  if (!n.IsSequence()) {
    error(key, "must be a list of strings");
    return def;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsScalar()) {
      error(std::string(key) + "[" + std::to_string(i) + "]", "must be a string");
      continue;
    }
    out.push_back(n[i].Scalar());
  }
  return out;
}

std::filesystem::path MapReader::path(std::string_view key, std::filesystem::path def, bool allow_empty) {
  YAML::Node n = lookup(key);
  if (!n.IsDefined()) return def;
  if (!n.IsScalar()) {
    error(key, "must be a path string");
    return def;
  }
  const std::string& s = n.Scalar();
  if (s.empty()) {
    if (!allow_empty) error(key, "must not be empty");
    return {};
  }
  std::filesystem::path p(s);
  // Relative to the config file, not the working directory, so a service manager's cwd does not matter.
  if (p.is_relative()) p = reader_->base_dir() / p;
  return p.lexically_normal();
}

std::filesystem::path MapReader::required_path(std::string_view key) {
  if (!lookup(key).IsDefined()) {
    error(key, "is required");
    return {};
  }
  return path(key, {});
}

MapReader MapReader::map(std::string_view key) {
  YAML::Node n = lookup(key);
  std::string child = key_path(key);
  if (n.IsDefined() && !n.IsMap()) {
    error(key, "must be a mapping");
    return reader_->make_map(YAML::Node(YAML::NodeType::Undefined), child);
  }
  return reader_->make_map(n, child);
}

std::vector<MapReader> MapReader::map_list(std::string_view key) {
  YAML::Node n = lookup(key);
  std::vector<MapReader> out;
  if (!n.IsDefined()) return out;
  if (!n.IsSequence()) {
    error(key, "must be a list of mappings");
    return out;
  }
  for (std::size_t i = 0; i < n.size(); ++i) {
    std::string child = key_path(key) + "[" + std::to_string(i) + "]";
    if (!n[i].IsMap()) {
      reader_->add_error(child + ": must be a mapping");
      continue;
    }
    out.push_back(reader_->make_map(n[i], child));
  }
  return out;
}

// ---- YamlReader ----

YamlReader::YamlReader(const std::string& yaml, std::string source, std::filesystem::path base_dir)
    : source_(std::move(source)), base_dir_(std::move(base_dir)) {
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(yaml);
  } catch (const YAML::Exception& e) {
    std::string where = e.mark.is_null() ? std::string("YAML syntax error")
                                         : "line " + std::to_string(e.mark.line + 1) + ", column " +
                                               std::to_string(e.mark.column + 1) + ": YAML syntax error";
    throw ConfigError(source_, {where + ": " + e.msg});
  }
  if (docs.size() > 1) throw ConfigError(source_, {"expected a single YAML document"});
  doc_ = docs.empty() ? YAML::Node() : docs.front();
}

std::unique_ptr<YamlReader> YamlReader::from_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(file.string(), {"cannot open file"});
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw ConfigError(file.string(), {"cannot read file"});
  auto base = std::filesystem::absolute(file).lexically_normal().parent_path();
  return std::make_unique<YamlReader>(ss.str(), file.string(), base);
}

MapReader YamlReader::root() {
  // An empty file is an empty mapping: required keys are then reported individually.
  if (doc_.IsDefined() && !doc_.IsNull() && !doc_.IsMap()) {
    add_error("(document): must be a mapping");
    return make_map(YAML::Node(YAML::NodeType::Undefined), "");
  }
  return make_map(doc_, "");
}

MapReader YamlReader::make_map(YAML::Node node, std::string prefix) {
  // Reading the same mapping twice shares its state, so its unknown keys are reported once.
  for (const auto& m : maps_)
    if (m->prefix == prefix) return MapReader(this, m);
  auto state = std::make_shared<MapReader::State>();
  state->node = node;
  state->prefix = std::move(prefix);
  maps_.push_back(state);
  return MapReader(this, state);
}

void YamlReader::finish() {
  for (const auto& m : maps_) {
    if (!m->node.IsMap()) continue;
    std::set<std::string, std::less<>> seen;
    for (const auto& kv : m->node) {
      std::string name = kv.first.IsScalar() ? kv.first.Scalar() : std::string("<non-string key>");
      std::string path = m->prefix.empty() ? name : m->prefix + "." + name;
      // yaml-cpp keeps both entries of a duplicated key; which one wins would be an accident.
      if (!seen.insert(name).second) add_error(path + ": duplicate key");
      if (!m->known.contains(name)) add_error(path + ": unknown key");
    }
  }
  maps_.clear();
  if (!errors_.empty()) throw ConfigError(source_, errors_);
}

}  // namespace capif::config
