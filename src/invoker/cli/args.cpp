#include "invoker/cli/args.hpp"

#include <iostream>

namespace capif::invoker::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& options,
           const std::set<std::string>& flags) {
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const auto& a = argv[i];
    if (flags.count(a)) {
      flags_.insert(a);
    } else if (options.count(a)) {
      if (i + 1 >= argv.size()) throw usage_error(a + " needs a value");
      if (!values_.emplace(a, argv[++i]).second) throw usage_error(a + " given twice");
    } else {
      throw usage_error("unknown argument: " + a);
    }
  }
}

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::required(const std::string& name) const {
  auto v = get(name);
  if (!v || v->empty()) throw usage_error(name + " is required");
  return *v;
}

std::vector<std::string> split_list(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= s.size()) {
    auto j = s.find(sep, i);
    if (j == std::string::npos) j = s.size();
    auto item = s.substr(i, j - i);
    auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    i = j + 1;
  }
  return out;
}

void print_json(const nlohmann::json& j) {
  std::cout << j.dump(2) << std::endl;
}

}  // namespace capif::invoker::cli
