// capif-ccf: the CAPIF core function daemon and its operator commands.
#include "capif/config/ccf_config.hpp"
#include "capif/crypto/encoding.hpp"
#include "ccf/app.hpp"
#include "ccf/ccf_pki.hpp"
#include "ccf/onboarding_credentials.hpp"
#include "ccf/store/ccf_store.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {
using capif::config::CcfConfig;

// Used when no --config is given: a CCF on loopback with its data in ./data/ccf.
constexpr const char* kDefaultConfig = R"yaml(
ccf:
  id: ccf
  api_root: https://127.0.0.1:8443
listen:
  address: 127.0.0.1
  port: 8443
data_dir: ./data/ccf
)yaml";

constexpr const char* kUsage = R"(usage:
  capif-ccf [--config FILE]                 run the CCF (creates its CA, server certificate and
                                            token-signing key in data_dir on first start)
  capif-ccf init [--config FILE]            only create the key material (idempotent)
  capif-ccf credential [--config FILE] --role invoker|provider [--ttl SECONDS]
                                            print an onboarding credential (JWT) for Authorization: Bearer
  capif-ccf ca-cert [--config FILE]         print the CA certificate clients must trust
  capif-ccf pending [--config FILE]         list onboarding requests and invoker updates waiting for
                                            approval (JSON lines; apiInvokerId set: an update)
  capif-ccf approve|reject [--config FILE] --id PENDING_ID
                                            decide one (onboarding.require_approval); the running CCF
                                            then sends the invoker its OnboardingNotification
  capif-ccf --version
Without --config the embedded default configuration is used (id "ccf", 127.0.0.1:8443, data in
./data/ccf relative to the current directory).
)";

struct Args {
  std::string command = "run";
  std::optional<std::string> config, role, ttl, id;
};

std::optional<Args> parse_args(int argc, char** argv, std::string& error) {
  Args a;
  std::vector<std::string> v(argv + 1, argv + argc);
  std::size_t i = 0;
  if (i < v.size() && !v[i].starts_with("-")) a.command = v[i++];
  for (; i < v.size(); ++i) {
    auto value = [&](std::optional<std::string>& out) {
      if (i + 1 >= v.size()) {
        error = v[i] + " needs a value";
        return false;
      }
      out = v[++i];
      return true;
    };
    if (v[i] == "--config") {
      if (!value(a.config)) return std::nullopt;
    } else if (v[i] == "--role") {
      if (!value(a.role)) return std::nullopt;
    } else if (v[i] == "--ttl") {
      if (!value(a.ttl)) return std::nullopt;
    } else if (v[i] == "--id") {
      if (!value(a.id)) return std::nullopt;
    } else if (v[i] == "--help" || v[i] == "-h") {
      a.command = "help";
    } else if (v[i] == "--version") {
      a.command = "version";
    } else {
      error = "unknown argument: " + v[i];
      return std::nullopt;
    }
  }
  return a;
}

CcfConfig load(const Args& a) {
  if (a.config) return capif::config::load_ccf_config(*a.config);
  return capif::config::ccf_config_from_string(kDefaultConfig, std::filesystem::current_path(),
                                               "<embedded default>");
}

// Works on the store while the daemon runs (SQLite WAL): it only lists or records decisions.
int onboarding_decision(const Args& a) {
  auto cfg = load(a);
  spdlog::set_level(spdlog::level::warn);
  capif::ccf::CcfStore store(cfg.data_dir / "ccf.db");
  if (a.command == "pending") {
    for (const auto& p : store.pending_onboardings())
      std::cout << nlohmann::json{{"pendingId", p.pending_id},
                                  {"apiInvokerId", p.details.apiInvokerId.value_or("")},  // set: an update
                                  {"notificationDestination", p.details.notificationDestination},
                                  {"apiInvokerInformation", p.details.apiInvokerInformation.value_or("")},
                                  {"createdAtMs", p.created_at_ms},
                                  {"decision", p.decision.value_or("")}}
                       .dump()
                << "\n";
    return 0;
  }
  if (!a.id) {
    std::cerr << "capif-ccf " << a.command << ": --id PENDING_ID is required\n";
    return 2;
  }
  if (!store.decide_onboarding(*a.id, a.command == "approve")) {
    std::cerr << "capif-ccf " << a.command << ": no undecided onboarding request " << *a.id << "\n";
    return 1;
  }
  std::cout << (a.command == "approve" ? "approved" : "rejected") << ": " << *a.id << "\n";
  return 0;
}

int run(const Args& a) {
  auto cfg = load(a);
  capif::ccf::setup_logging(cfg);
  capif::ccf::CcfApp app(cfg);
  auto port = app.listen();
  std::cout << "capif-ccf " << cfg.ccf.id << " listening on https://" << cfg.listen.address << ":" << port
            << "\n  API root:        " << cfg.ccf.api_root
            << "\n  trust this CA:   " << (cfg.data_dir / "ca.crt").string()
            << "\n  onboarding JWT:  capif-ccf credential" << (a.config ? " --config " + *a.config : "")
            << " --role invoker|provider" << std::endl;
  app.run();
  spdlog::info("stopped");
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  std::string error;
  auto args = parse_args(argc, argv, error);
  if (!args) {
    std::cerr << "capif-ccf: " << error << "\n" << kUsage;
    return 2;
  }
  try {
    if (args->command == "help") {
      std::cout << kUsage;
      return 0;
    }
    if (args->command == "version") {
      std::cout << "capif-ccf 0.1.0\n";
      return 0;
    }
    if (args->command == "run") return run(*args);
    if (args->command == "pending" || args->command == "approve" || args->command == "reject")
      return onboarding_decision(*args);
    if (args->command != "init" && args->command != "credential" && args->command != "ca-cert") {
      std::cerr << "capif-ccf: unknown command " << args->command << "\n" << kUsage;
      return 2;
    }
    auto cfg = load(*args);
    spdlog::set_level(spdlog::level::warn);  // commands print their result on stdout; keep stderr quiet
    bool created = false;
    auto pki = capif::ccf::CcfPki::load_or_create(cfg, &created);
    if (args->command == "init") {
      std::cout << (created ? "created" : "already present") << ": key material in " << cfg.data_dir.string()
                << "\n";
    } else if (args->command == "ca-cert") {
      std::cout << pki.ca.cert_pem();
    } else {
      if (!args->role || (*args->role != "invoker" && *args->role != "provider")) {
        std::cerr << "capif-ccf credential: --role must be invoker or provider\n";
        return 2;
      }
      long long ttl = cfg.credentials.default_ttl_s;
      if (args->ttl) {
        char* end = nullptr;
        ttl = std::strtoll(args->ttl->c_str(), &end, 10);
        if (*end != '\0' || ttl <= 0 || ttl > 366LL * 24 * 3600) {
          std::cerr << "capif-ccf credential: --ttl must be a number of seconds between 1 and 31622400\n";
          return 2;
        }
      }
      std::cout << capif::ccf::mint_onboarding_credential(pki, cfg.ccf.id, *args->role, ttl) << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "capif-ccf: " << e.what() << "\n";
    return 1;
  }
}
