#pragma once
// Command-line options of one capif-invoker command: "--name value" options and "--flag" switches.
#include "invoker/errors.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace capif::invoker::cli {

class Args {
 public:
  // Throws usage_error on an unknown option, a missing value or a repeated option.
  Args(const std::vector<std::string>& argv, const std::set<std::string>& options,
       const std::set<std::string>& flags = {});
  std::optional<std::string> get(const std::string& name) const;
  std::string required(const std::string& name) const;
  bool flag(const std::string& name) const { return flags_.count(name) > 0; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
};

std::vector<std::string> split_list(const std::string& s, char sep = ',');  // trims, drops empty items

// One function per command; each prints its JSON result on stdout and returns the exit code, or throws
// InvokerError (main prints it as JSON on stderr and exits with its exit_code()).
int cmd_onboard(const std::vector<std::string>& argv);
int cmd_discover(const std::vector<std::string>& argv);
int cmd_security(const std::vector<std::string>& argv);
int cmd_token(const std::vector<std::string>& argv);
int cmd_call(const std::vector<std::string>& argv);
int cmd_offboard(const std::vector<std::string>& argv);
int cmd_run(const std::vector<std::string>& argv);

void print_json(const nlohmann::json& j);

}  // namespace capif::invoker::cli
