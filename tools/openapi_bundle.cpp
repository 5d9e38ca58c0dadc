// Build-time generator: reads the 3GPP OpenAPI files (third_party/3gpp-openapi) and writes a C++ source
// holding, as one JSON document, every schema reachable from the TS 29.222 files. Each `$ref` is
// rewritten to the absolute key "<file>#/components/schemas/<name>"; refs into files that are not
// shipped become {} (anything), and are listed under "unresolved". Descriptions and examples are
// dropped: the daemons only need what validation reads.
//
// usage: capif-openapi-bundle <out.cpp> <file.yaml>...
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <string>

namespace {

using nlohmann::json;

const std::set<std::string> kDropped = {"description", "example", "examples", "externalDocs", "title"};

json scalar(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() != "?") return s;  // quoted: always a string
  if (s == "true") return true;
  if (s == "false") return false;
  if (s == "null" || s == "~") return nullptr;
  static const std::regex integer("^-?[0-9]+$"), number("^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$");
  if (std::regex_match(s, integer)) {
    try {
      return std::stoll(s);
    } catch (const std::out_of_range&) {
      if (s[0] != '-') return std::stoull(s);  // Uint64 bounds
    }
  }
  if (std::regex_match(s, number)) return std::stod(s);
  return s;
}

json to_json(const YAML::Node& n, bool in_properties = false) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      return scalar(n);
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& e : n) a.push_back(to_json(e));
      return a;
    }
    case YAML::NodeType::Map: {
      json o = json::object();
      for (const auto& kv : n) {
        auto key = kv.first.Scalar();
        // Under "properties" the keys are member names (a member may be called "description").
        if (!in_properties && kDropped.count(key)) continue;
        o[key] = to_json(kv.second, key == "properties" && !in_properties);
      }
      return o;
    }
    default:
      return nullptr;
  }
}

struct Bundle {
  std::map<std::string, json> files;  // file name -> components.schemas
  json schemas = json::object();
  std::set<std::string> unresolved;
  std::deque<std::string> todo;

  // "#/components/schemas/X" or "File.yaml#/components/schemas/X" seen in `file` -> absolute key.
  static std::string absolute(const std::string& file, const std::string& ref) {
    auto hash = ref.find('#');
    std::string target = hash == 0 ? file : ref.substr(0, hash);
    return target + ref.substr(hash);
  }

  void rewrite(json& j, const std::string& file) {
    if (j.is_object()) {
      if (auto it = j.find("$ref"); it != j.end() && it->is_string()) {
        auto key = absolute(file, it->get<std::string>());
        if (resolvable(key)) {
          *it = key;
          todo.push_back(key);
        } else {
          unresolved.insert(key);
          j = json::object();
          return;
        }
      }
      // oneOf + discriminator (GAD shapes): the mapping names schemas by ref too.
      if (auto d = j.find("discriminator"); d != j.end() && d->contains("mapping")) {
        for (auto& [value, ref] : (*d)["mapping"].items()) {
          auto key = absolute(file, ref.get<std::string>());
          if (!resolvable(key)) throw std::runtime_error("discriminator mapping to unknown " + key);
          ref = key;
          todo.push_back(key);
        }
      }
      for (auto& [k, v] : j.items())
        if (k != "discriminator") rewrite(v, file);
    } else if (j.is_array()) {
      for (auto& v : j) rewrite(v, file);
    }
  }

  bool resolvable(const std::string& key) const {
    static const std::string kPrefix = "#/components/schemas/";
    auto hash = key.find('#');
    auto f = files.find(key.substr(0, hash));
    if (f == files.end() || key.compare(hash, kPrefix.size(), kPrefix) != 0) return false;
    return f->second.contains(key.substr(hash + kPrefix.size()));
  }

  void close() {
    while (!todo.empty()) {
      auto key = todo.front();
      todo.pop_front();
      if (schemas.contains(key)) continue;
      auto hash = key.find('#');
      auto file = key.substr(0, hash);
      json s = files.at(file).at(key.substr(hash + std::string("#/components/schemas/").size()));
      schemas[key] = json::object();  // marks it visited before recursing into its refs
      rewrite(s, file);
      schemas[key] = std::move(s);
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: capif-openapi-bundle <out.cpp> <file.yaml>...\n";
    return 2;
  }
  try {
    Bundle b;
    std::vector<std::string> roots;
    for (int i = 2; i < argc; ++i) {
      std::filesystem::path p = argv[i];
      auto doc = YAML::LoadFile(p.string());
      auto name = p.filename().string();
      b.files[name] =
          doc["components"]["schemas"] ? to_json(doc["components"]["schemas"], true) : json::object();
      if (name.rfind("TS29222_", 0) == 0) roots.push_back(name);
    }
    for (const auto& f : roots)
      for (auto& [name, s] : b.files[f].items()) b.todo.push_back(f + "#/components/schemas/" + name);
    b.close();

    json out = {{"schemas", b.schemas}, {"unresolved", b.unresolved}};
    std::ofstream os(argv[1]);
    os << "// Generated by capif-openapi-bundle from third_party/3gpp-openapi; do not edit.\n"
       << "#include <string_view>\n\nnamespace capif::model::schema_data {\n"
       << "extern const std::string_view kBundle;\n"
       << "const std::string_view kBundle = R\"capif_bundle(" << out.dump() << ")capif_bundle\";\n"
       << "}  // namespace capif::model::schema_data\n";
    if (!os) throw std::runtime_error(std::string("cannot write ") + argv[1]);
    std::cout << "capif-openapi-bundle: " << b.schemas.size() << " schemas, " << b.unresolved.size()
              << " unresolved refs\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "capif-openapi-bundle: " << e.what() << "\n";
    return 1;
  }
}
