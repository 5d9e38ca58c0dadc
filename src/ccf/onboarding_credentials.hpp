#pragma once
// Onboarding credentials: JWTs an operator mints with `capif-ccf credential`, presented as
// `Authorization: Bearer` (or in regSec) on the onboarding and provider registration POSTs.
#include "ccf/ccf_pki.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace capif::ccf {

std::string mint_onboarding_credential(const CcfPki& pki, const std::string& ccf_id, std::string_view role,
                                       std::int64_t ttl_seconds);

// Throws ApiError: 401 when missing, malformed, forged or expired; 403 when minted for another role.
void verify_onboarding_credential(const CcfPki& pki, const std::string& ccf_id, const std::string* token,
                                  std::string_view role);

}  // namespace capif::ccf
