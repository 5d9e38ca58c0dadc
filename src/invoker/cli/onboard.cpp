// capif-invoker onboard --ccf URL --ca FILE (--credential JWT | --credential-file FILE) --state DIR
//                       [--notification-destination URL] [--ccf-id ID]
// --ccf-id: the id of the CCF (saved as ccf_id); by default the iss of the onboarding credential.
#include "capif/crypto/files.hpp"
#include "invoker/cli/args.hpp"
#include "invoker/client/operations.hpp"

namespace capif::invoker::cli {

inline constexpr const char* kDefaultNotificationDestination =
    "https://127.0.0.1/capif-invoker/notifications";

std::string read_credential(const std::optional<std::string>& inline_jwt,
                            const std::optional<std::string>& file) {
  if (inline_jwt && file) throw usage_error("give --credential or --credential-file, not both");
  std::string c;
  if (inline_jwt)
    c = *inline_jwt;
  else if (file) {
    try {
      c = crypto::read_file(*file);
    } catch (const std::exception& e) {
      throw usage_error("cannot read the credential file: " + std::string(e.what()));
    }
  } else
    throw usage_error("--credential or --credential-file is required");
  while (!c.empty() && (c.back() == '\n' || c.back() == '\r' || c.back() == ' ')) c.pop_back();
  if (c.empty()) throw usage_error("the onboarding credential is empty");
  return c;
}

int cmd_onboard(const std::vector<std::string>& argv) {
  Args args(argv, {"--ccf", "--ca", "--credential", "--credential-file", "--state",
                   "--notification-destination", "--ccf-id"});
  CcfSettings ccf;
  ccf.api_root = args.required("--ccf");
  while (!ccf.api_root.empty() && ccf.api_root.back() == '/') ccf.api_root.pop_back();
  if (!ccf.api_root.starts_with("https://")) throw usage_error("--ccf must be an https:// URL");
  try {
    ccf.ca_pem = crypto::read_file(args.required("--ca"));
  } catch (const InvokerError&) {
    throw;
  } catch (const std::exception& e) {
    throw usage_error("cannot read --ca: " + std::string(e.what()));
  }
  ccf.notification_destination =
      args.get("--notification-destination").value_or(kDefaultNotificationDestination);
  ccf.ccf_id = args.get("--ccf-id").value_or("");
  if (args.get("--ccf-id") && !valid_ccf_id(ccf.ccf_id))
    throw usage_error("--ccf-id must match [A-Za-z0-9._-]{1,64}");
  const auto credential = read_credential(args.get("--credential"), args.get("--credential-file"));
  StateDir state(args.required("--state"));
  if (state.onboarded())
    throw local_error("already onboarded as " + state.require_identity().invoker_id + " (offboard first)");
  state.save_ccf(ccf);
  auto client = make_ccf_client(ccf, nullptr);
  print_json(onboard(state, *client, credential));
  return 0;
}

}  // namespace capif::invoker::cli
