#pragma once
// The CCF's own key material, created on first start in the data directory (keys 0600, never in git).
#include "capif/config/ccf_config.hpp"
#include "capif/crypto/pki.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace capif::ccf {

// The ES256 key that signs onboarding credentials and access tokens. SIGHUP replaces it (rotate); the
// previous public key stays for verification so that what it signed keeps working until it expires: the
// JWKS lists it for `grace` (the access token lifetime), onboarding credentials signed with it are accepted
// until the next rotation or restart. Thread-safe.
class SigningKeys {
 public:
  struct Key {
    std::string private_pem, public_pem, kid;
    static Key from_private_pem(std::string private_pem);  // throws on a bad key
  };
  explicit SigningKeys(Key current) : current_(std::make_shared<const Key>(std::move(current))) {}

  std::shared_ptr<const Key> current() const;
  // Keys tokens may be verified with: the current one, then the previous one (while `include_expired`, or
  // within its grace period).
  std::vector<std::shared_ptr<const Key>> verification_keys(bool include_expired) const;
  // From now on `next` signs; the current key becomes the previous one (a key equal to the current one
  // changes nothing).
  void rotate(Key next, std::chrono::seconds grace);

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Key> current_, previous_;
  std::chrono::steady_clock::time_point previous_until_{};
};

struct CcfPki {
  crypto::CertificateAuthority ca;
  std::string server_cert_pem;  // as loaded at start (SIGHUP may serve a newer one)
  std::string server_key_pem;
  std::shared_ptr<SigningKeys> signing;  // token-signing key (data_dir/token-signing.key)

  // Loads the material, creating whatever is missing. `created` tells whether anything was new.
  static CcfPki load_or_create(const config::CcfConfig& cfg, bool* created = nullptr);
};

}  // namespace capif::ccf
