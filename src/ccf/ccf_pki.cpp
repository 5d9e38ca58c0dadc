#include "ccf/ccf_pki.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"

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
  if (fs::exists(path("token-signing.key"))) {
    pki.signing_key_pem = crypto::read_file(path("token-signing.key"));
  } else {
    pki.signing_key_pem = crypto::generate_ec_key_pem();
    crypto::write_file_atomic(path("token-signing.key"), pki.signing_key_pem, true);
    spdlog::info("created token-signing key {}", path("token-signing.key").string());
    made = true;
  }
  pki.signing_public_pem = crypto::public_key_pem(pki.signing_key_pem);
  pki.signing_kid = crypto::sha256_hex(pki.signing_public_pem).substr(0, 16);
  if (created) *created = made;
  return pki;
}

}  // namespace capif::ccf
