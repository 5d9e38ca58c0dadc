#pragma once
// What the CLI commands and the sidecar do, on top of CcfApi and the state directory.
#include "invoker/client/aef_client.hpp"
#include "invoker/client/ccf_client.hpp"
#include "invoker/state/state_dir.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace capif::invoker {

std::int64_t unix_now();

// Generates a key and CSR, onboards with the credential, stores the identity. Needs ccf.json already
// saved; refuses when already onboarded. When ccf.json has no ccf_id yet (no --ccf-id / ccf.ccf_id
// override), the credential's iss (the minting CCF) is saved as ccf_id. Returns {apiInvokerId, ccfId,
// certificate: {subject_cn, not_after}, state_dir}.
nlohmann::json onboard(StateDir& state, CcfApi& ccf, const std::string& credential);

// The iss claim of an onboarding credential (a compact JWS), decoded without verifying it: the invoker
// has no key to verify it with and the CCF verifies it anyway. "" when it cannot be decoded.
std::string credential_issuer(const std::string& jwt);

// A CCF id as the AEF accepts it in check-authentication onboardedCcfId: [A-Za-z0-9._-]{1,64}.
bool valid_ccf_id(const std::string& id);

// The designated CCF of a discovered API: its ccfId, unless absent or our own onboarded CCF's ("" =
// local API).
std::string designated_ccf(const model::ServiceAPIDescription& api, const std::string& own_ccf_id);

// GET allServiceAPIs with the filters; merges the result into discovered.json; returns the CCF's body.
nlohmann::json discover(StateDir& state, CcfApi& ccf, const std::optional<std::string>& api_name,
                        const std::optional<std::string>& aef_id);

// DELETE the onboarding, then clear the identity and everything derived from it.
nlohmann::json offboard(StateDir& state, CcfApi& ccf);

struct NegotiationRequest {
  std::string aef_id;
  std::string api_id;                // empty: every discovered API of that AEF
  std::vector<std::string> methods;  // preference order
};

// Merges the requests into the stored negotiation (replacing the entries of the same AEF/API), sends the
// whole ServiceSecurity (PUT the first time, POST .../update afterwards), stores the selected methods and,
// for each entry with PSK selected, derives the AEFPSK from the TLS session of that very request.
// Returns the CCF's ServiceSecurity plus "aefpsk": [{aefId, interface, tls_version}] (never the key).
nlohmann::json negotiate(StateDir& state, CcfApi& ccf, const std::vector<NegotiationRequest>& requests);
// Re-sends the stored negotiation (POST .../update): TS 33.122 6.7 renegotiation.
nlohmann::json renegotiate(StateDir& state, CcfApi& ccf);

// Pure helpers of negotiate(), exposed for tests.
std::vector<SecurityEntry> merge_entries(std::vector<SecurityEntry> stored,
                                         const std::vector<SecurityEntry>& fresh);
nlohmann::json service_security_body(const std::vector<SecurityEntry>& entries,
                                     const std::string& notification);
// Copies from the answer's securityInfo (matched in order, else by aefId/apiId) into each entry:
// selSecurityMethod, and for a remote entry designatedCcfId and designatedCcfTrustAnchor.
void apply_negotiation_answer(std::vector<SecurityEntry>& entries, const nlohmann::json& security_info);

// POST securities/{id}/token; stores the token (replacing one of the same scope); returns AccessTokenRsp.
nlohmann::json obtain_token(StateDir& state, CcfApi& ccf, const std::string& scope);
// A stored token covering aefId:apiName that is valid for at least margin_s more seconds.
std::optional<Token> usable_token(const std::vector<Token>& tokens, const std::string& aef_id,
                                  const std::string& api_name, std::int64_t margin_s, std::int64_t now);

// The entry negotiated for the API at the AEF: the entry of that apiId, else of the AEF (nullptr: none).
const SecurityEntry* negotiated_entry(const Negotiation& n, const std::string& aef_id,
                                      const std::string& api_id);
// The method negotiated for the API at the AEF ("" when none).
std::string selected_method(const Negotiation& n, const std::string& aef_id, const std::string& api_id);

// The discovered API by name (and AEF) with its negotiated method and stored AEFPSK; no token yet.
// Throws InvokerError(local) when the API was not discovered or no method was negotiated for it.
AefTarget resolve_target(const StateDir& state, const std::string& api_name, const std::string& aef_id);

}  // namespace capif::invoker
