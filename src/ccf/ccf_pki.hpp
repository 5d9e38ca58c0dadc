#pragma once
// The CCF's own key material, created on first start in the data directory (keys 0600, never in git).
#include "capif/config/ccf_config.hpp"
#include "capif/crypto/pki.hpp"

#include <string>

namespace capif::ccf {

struct CcfPki {
  crypto::CertificateAuthority ca;
  std::string server_cert_pem;
  std::string server_key_pem;
  std::string signing_key_pem;  // ES256 key for onboarding credentials and (later) access tokens
  std::string signing_public_pem;
  std::string signing_kid;

  // Loads the material, creating whatever is missing. `created` tells whether anything was new.
  static CcfPki load_or_create(const config::CcfConfig& cfg, bool* created = nullptr);
};

}  // namespace capif::ccf
