#pragma once
// A strict, reusable YAML configuration reader. Every problem is recorded as "key.path: message" and
// reported together by finish(), so an operator fixes a config file in one round instead of one error
// per restart. Unknown keys are errors in every mapping (typos must not silently fall back to defaults).
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace capif::config {

class ConfigError : public std::runtime_error {
 public:
  // what() is one "source: error" line per error.
  ConfigError(const std::string& source, std::vector<std::string> errors);
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<std::string> errors_;
};

class YamlReader;

// A view of one YAML mapping. Getters record errors (they never throw) and return the default, or a zero
// value for a missing required key, so reading continues and all errors are collected.
class MapReader {
 public:
  std::string string(std::string_view key, std::string def);
  std::string required_string(std::string_view key);
  std::int64_t integer(std::string_view key, std::int64_t def, std::int64_t min, std::int64_t max);
  std::int64_t required_integer(std::string_view key, std::int64_t min, std::int64_t max);
  bool boolean(std::string_view key, bool def);
  std::vector<std::string> string_list(std::string_view key, std::vector<std::string> def);
  // A duration written as an integer number of milliseconds (keys conventionally end in "_ms").
  std::int64_t duration_ms(std::string_view key, std::int64_t def, std::int64_t min, std::int64_t max);
  // Relative paths are resolved against the config file's folder; absolute ones are kept. An empty string
  // is an error unless allow_empty (then an empty path is returned).
  std::filesystem::path path(std::string_view key, std::filesystem::path def, bool allow_empty = false);
  std::filesystem::path required_path(std::string_view key);
  // A nested mapping; a missing key gives an empty mapping (so all its defaults apply).
  MapReader map(std::string_view key);
  // A list of mappings ("apis: [{...}, {...}]"); a missing key gives an empty list. Items are named
  // "key[i]" in error messages and are strict like every other mapping.
  std::vector<MapReader> map_list(std::string_view key);

  bool has(std::string_view key) const;
  // Present with a scalar value: lets callers validate a value only when its type was right, so one
  // mistake yields one error.
  bool has_scalar(std::string_view key) const;
  // Records "path.key: message", for checks the caller does itself (formats, cross-field rules).
  void error(std::string_view key, const std::string& message);
  std::string key_path(std::string_view key) const;

 private:
  friend class YamlReader;
  struct State {
    YAML::Node node;
    std::string prefix;
    std::set<std::string, std::less<>> known;
  };
  MapReader(YamlReader* reader, std::shared_ptr<State> state) : reader_(reader), state_(std::move(state)) {}
  // The node of key if present and not null-valued-missing; marks the key as known.
  YAML::Node lookup(std::string_view key);
  std::int64_t int_value(std::string_view key, const YAML::Node& n, std::int64_t def, std::int64_t min,
                         std::int64_t max, const char* what);

  YamlReader* reader_;
  std::shared_ptr<State> state_;
};

class YamlReader {
 public:
  // Syntax errors throw ConfigError at once ("source:line:column: ...", 1-based).
  YamlReader(const std::string& yaml, std::string source, std::filesystem::path base_dir);
  YamlReader(const YamlReader&) = delete;
  YamlReader& operator=(const YamlReader&) = delete;

  // Reads and parses a file; base_dir is the file's (absolute) folder.
  static std::unique_ptr<YamlReader> from_file(const std::filesystem::path& file);

  MapReader root();
  // Reports unknown keys of every mapping handed out, then throws ConfigError if any error was recorded.
  void finish();

  void add_error(std::string message) { errors_.push_back(std::move(message)); }
  const std::filesystem::path& base_dir() const { return base_dir_; }
  const std::string& source() const { return source_; }

 private:
  friend class MapReader;
  MapReader make_map(YAML::Node node, std::string prefix);

  YAML::Node doc_;
  std::string source_;
  std::filesystem::path base_dir_;
  std::vector<std::string> errors_;
  std::vector<std::shared_ptr<MapReader::State>> maps_;
};

}  // namespace capif::config
