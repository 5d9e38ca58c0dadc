#pragma once
// Shared by the Security API service files: what an entry of a Security Method Request names, resolved
// against the published service APIs (docs/security.md).
#include "capif/model/security_api.hpp"
#include "ccf/store/ccf_store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace capif::ccf {

struct Resolved {
  std::string aef_id;
  std::string interface;             // model::aef_interface_string of the interface: P0 of the AEFPSK
  std::vector<std::string> api_ids;
  std::vector<std::string> methods;  // supported by every covered API at that interface
};

// By aefId (+ apiId) or by interfaceDetails; on failure records an InvalidParam under ptr.
std::optional<Resolved> resolve(const CcfStore& store, const model::SecurityInformation& e,
                                const std::string& ptr, InvalidParams& errs);
bool contains(const std::vector<std::string>& v, const std::string& s);

// Drops what only the CCF fills in (selection, keys, authorization, the peer's trust anchor): whatever a
// requester put there is never taken over.
inline void clear_outputs(model::SecurityInformation& e) {
  e.selSecurityMethod.reset();
  e.authenticationInfo.reset();
  e.authorizationInfo.reset();
  e.designatedCcfTrustAnchor.reset();
}

}  // namespace capif::ccf
