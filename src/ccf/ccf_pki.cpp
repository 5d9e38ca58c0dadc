#include "ccf/ccf_pki.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"
#include "capif/crypto/jwt.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace capif::ccf {
namespace fs = std::filesystem;

CcfPki CcfPki::load_or_create(const config::CcfConfig& cfg, bool* created) {
  const fs::path dir = cfg.data_dir;
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  bool made = false;
  auto path = [&](const char* name) { return dir / name; };

  CcfPki pki{crypto::CertificateAuthority::create("placeholder", 1)};
  if (fs::exists(path("ca.crt")) && fs::exists(path("ca.key"))) {
    pki.ca = crypto::CertificateAuthority::load(crypto::read_file(path("ca.crt")),
                                                crypto::read_file(path("ca.key")));
  } else {
    pki.ca = crypto::CertificateAuthority::create(cfg.ccf.id + " CAPIF root CA", cfg.certificates.ca_days);
    crypto::write_file_atomic(path("ca.key"), pki.ca.key_pem(), true);
    crypto::write_file_atomic(path("ca.crt"), pki.ca.cert_pem(), false);
    spdlog::info("created CA {}", path("ca.crt").string());
    made = true;
  }
  if (fs::exists(path("server.crt")) && fs::exists(path("server.key"))) {
    pki.server_cert_pem = crypto::read_file(path("server.crt"));
    pki.server_key_pem = crypto::read_file(path("server.key"));
  } else {
    pki.server_key_pem = crypto::generate_ec_key_pem();
    pki.server_cert_pem = pki.ca.issue_server_cert(pki.server_key_pem, cfg.ccf.id, cfg.tls.server_names,
                                                   cfg.tls.server_ips, cfg.certificates.server_days);
    crypto::write_file_atomic(path("server.key"), pki.server_key_pem, true);
    crypto::write_file_atomic(path("server.crt"), pki.server_cert_pem, false);
    spdlog::info("created TLS server certificate {}", path("server.crt").string());
    made = true;
  }
  std::string signing_key_pem;
  if (fs::exists(path("token-signing.key"))) {
    signing_key_pem = crypto::read_file(path("token-signing.key"));
  } else {
    signing_key_pem = crypto::generate_ec_key_pem();
    crypto::write_file_atomic(path("token-signing.key"), signing_key_pem, true);
    spdlog::info("created token-signing key {}", path("token-signing.key").string());
    made = true;
  }
  pki.signing = std::make_shared<SigningKeys>(SigningKeys::Key::from_private_pem(std::move(signing_key_pem)));
  if (created) *created = made;
  return pki;
}

SigningKeys::Key SigningKeys::Key::from_private_pem(std::string private_pem) {
  Key k;
  k.public_pem = crypto::public_key_pem(private_pem);  // throws on a bad key
  k.kid = crypto::sha256_hex(k.public_pem).substr(0, 16);
  crypto::jws_sign_es256(nlohmann::json::object(), private_pem, k.kid);  // throws unless EC P-256
  k.private_pem = std::move(private_pem);
  return k;
}

std::shared_ptr<const SigningKeys::Key> SigningKeys::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

std::vector<std::shared_ptr<const SigningKeys::Key>> SigningKeys::verification_keys(
    bool include_expired) const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<const Key>> keys{current_};
  if (previous_ && (include_expired || std::chrono::steady_clock::now() < previous_until_))
    keys.push_back(previous_);
  return keys;
}

void SigningKeys::rotate(Key next, std::chrono::seconds grace) {
  std::lock_guard lock(mutex_);
  if (next.kid == current_->kid) return;
  previous_ = std::move(current_);
  previous_until_ = std::chrono::steady_clock::now() + grace;
  current_ = std::make_shared<const Key>(std::move(next));
}

}  // namespace capif::ccf
