#pragma once
// Keys, CSRs and a small X.509 certificate authority (EC P-256, SHA-256 signatures).
#include "capif/crypto/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace capif::crypto {

// New EC P-256 private key as an unencrypted PKCS#8 PEM document.
std::string generate_ec_key_pem();
// SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY") of a PEM private key.
std::string public_key_pem(const std::string& private_key_pem);

// PKCS#10 CSR with subject CN=cn, self-signed by key_pem with SHA-256 (used by clients/tests).
std::string make_csr_pem(const std::string& key_pem, const std::string& cn);

struct CsrInfo {
  std::string subject_cn;      // empty if the CSR has no CN
  std::string public_key_pem;  // SubjectPublicKeyInfo PEM
};
// Throws CryptoError unless pem is a PEM CSR whose self-signature verifies and whose key is RSA >= 2048
// bits or EC >= 256 bits.
CsrInfo parse_and_verify_csr(const std::string& pem);

class CertificateAuthority {
 public:
  // Self-signed EC P-256 CA: basicConstraints CA:TRUE (critical), keyUsage keyCertSign+cRLSign, SKI.
  static CertificateAuthority create(const std::string& cn, int days);
  // Throws CryptoError if either PEM is invalid, the key does not match, or the cert is not a CA.
  static CertificateAuthority load(const std::string& cert_pem, const std::string& key_pem);

  const std::string& cert_pem() const { return cert_pem_; }
  const std::string& key_pem() const { return key_pem_; }

  // Verifies the CSR and certifies only its public key: the subject is always CN=cn (the CSR subject is
  // ignored so a client cannot choose its identity). CA:FALSE, keyUsage digitalSignature
  // (+keyEncipherment for RSA), extendedKeyUsage clientAuth, SKI + AKI, random 128-bit serial.
  // With also_server_auth, extendedKeyUsage is serverAuth+clientAuth: an AEF serves CAPIF-2e with the
  // certificate of its function and is also a CCF client with it.
  std::string issue_client_cert(const std::string& csr_pem, const std::string& cn, int days,
                                bool also_server_auth = false) const;

  // TLS server certificate for key_pem (private key PEM): extendedKeyUsage serverAuth+clientAuth (the CCF
  // is also a TLS client of its peers), subjectAltName with the DNS names and IP addresses.
  std::string issue_server_cert(const std::string& key_pem, const std::string& cn,
                                const std::vector<std::string>& dns_names,
                                const std::vector<std::string>& ip_addresses, int days) const;

 private:
  CertificateAuthority(std::string cert_pem, std::string key_pem)
      : cert_pem_(std::move(cert_pem)), key_pem_(std::move(key_pem)) {}
  std::string cert_pem_, key_pem_;
};

struct CertInfo {
  std::string subject_cn, issuer_cn;
  std::string fingerprint_sha256;  // lowercase hex of SHA-256 over the DER encoding
  std::string serial_hex;          // lowercase big-endian hex, whole bytes (like `openssl x509 -serial`)
  std::int64_t not_before = 0, not_after = 0;  // unix seconds
};
CertInfo inspect_cert(const std::string& pem);
// The certificates of a PEM bundle (a trust anchor file), one PEM block each, in order.
std::vector<std::string> split_pem_certificates(const std::string& pem);
// Same format as CertInfo::fingerprint_sha256, for DER taken from a TLS session.
std::string cert_fingerprint_sha256_der(const unsigned char* der, std::size_t len);

// True if cert_pem chains to ca_pem (as the only trust anchor) and is valid now. An unparsable cert_pem
// yields false (it is usually untrusted input); an unparsable ca_pem throws CryptoError.
bool verify_cert_signed_by(const std::string& cert_pem, const std::string& ca_pem);

}  // namespace capif::crypto
