// The CCF's certificate authority: self-signed root, client and server certificate issuance.
#include "crypto/ossl.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/pki.hpp"

#include <openssl/err.h>

namespace capif::crypto {
using namespace detail;

namespace {

// Certificates start 5 minutes in the past so a peer whose clock is slightly behind accepts them at once.
constexpr long kBackdateSeconds = 300;

void check_cn(const std::string& cn) {
  // RFC 5280 upper bound for a CommonName.
  if (cn.empty() || cn.size() > 64) throw CryptoError("certificate CN must be 1..64 characters");
}

void check_days(int days) {
  if (days <= 0 || days > 36500) throw CryptoError("certificate lifetime must be 1..36500 days");
}

void set_random_serial(X509* cert) {
  // 128 random bits (RFC 5280 allows up to 20 octets): unpredictable serials defeat chosen-prefix attacks.
  std::string rnd = random_bytes(16);
  if (rnd[0] == 0) rnd[0] = 1;  // keep the full 128-bit width and never produce serial 0
  BnPtr bn(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(rnd.data()), static_cast<int>(rnd.size()), nullptr));
  if (!bn) throw_openssl("BN_bin2bn failed");
  Asn1IntPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!serial || X509_set_serialNumber(cert, serial.get()) != 1) throw_openssl("cannot set serial");
}

// A v3 certificate for subject_key with subject CN=cn, not yet extended nor signed. issuer == nullptr means
// self-signed.
X509Ptr new_cert(EVP_PKEY* subject_key, const std::string& cn, X509* issuer, int days) {
  check_cn(cn);
  check_days(days);
  X509Ptr cert(X509_new());
  NamePtr subject(X509_NAME_new());
  if (!cert || !subject) throw_openssl("X509_new failed");
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1) throw_openssl("cannot set version");
  set_random_serial(cert.get());
  if (X509_NAME_add_entry_by_NID(subject.get(), NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) != 1 ||
      X509_set_subject_name(cert.get(), subject.get()) != 1 ||
      X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : subject.get()) != 1)
    throw_openssl("cannot set names");
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr))
    throw_openssl("cannot set validity");
  // A certificate must not outlive its issuer: verifiers would reject it after the CA expires anyway.
  if (issuer && ASN1_TIME_compare(X509_get0_notAfter(cert.get()), X509_get0_notAfter(issuer)) > 0 &&
      X509_set1_notAfter(cert.get(), X509_get0_notAfter(issuer)) != 1)
    throw_openssl("cannot set validity");
  if (X509_set_pubkey(cert.get(), subject_key) != 1) throw_openssl("cannot set public key");
  return cert;
}

// value uses OpenSSL's extension config syntax; only constant strings are passed, never user input.
void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    throw_openssl(std::string("cannot add extension ") + OBJ_nid2sn(nid));
}

void add_end_entity_exts(X509* cert, X509* issuer, EVP_PKEY* key, const char* eku) {
  add_ext(cert, issuer, NID_basic_constraints, "critical,CA:FALSE");
  // RSA key exchange (TLS 1.2) needs keyEncipherment; EC keys only ever sign.
  add_ext(cert, issuer, NID_key_usage,
          EVP_PKEY_is_a(key, "RSA") == 1 ? "critical,digitalSignature,keyEncipherment"
                                         : "critical,digitalSignature");
  add_ext(cert, issuer, NID_ext_key_usage, eku);
  add_ext(cert, issuer, NID_subject_key_identifier, "hash");
  add_ext(cert, issuer, NID_authority_key_identifier, "keyid:always");
}

void sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) <= 0) throw_openssl("cannot sign certificate");
}

bool valid_dns_name(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '*')) return false;
  return true;
}

void add_san(X509* cert, const std::vector<std::string>& dns_names, const std::vector<std::string>& ips) {
  if (dns_names.empty() && ips.empty()) return;
  // Built as GENERAL_NAMES rather than a config string, so a name cannot inject extra entries.
  GenNamesPtr names(sk_GENERAL_NAME_new_null());
  if (!names) throw_openssl("cannot allocate subjectAltName");
  auto push = [&](int type, void* value) {
    GenNamePtr gen(GENERAL_NAME_new());
    if (!gen) throw_openssl("GENERAL_NAME_new failed");
    GENERAL_NAME_set0_value(gen.get(), type, value);
    if (sk_GENERAL_NAME_push(names.get(), gen.get()) <= 0) throw_openssl("cannot add subjectAltName");
    gen.release();
  };
  for (const auto& dns : dns_names) {
    if (!valid_dns_name(dns)) throw CryptoError("invalid DNS name for subjectAltName: " + dns);
    Ia5Ptr ia5(ASN1_IA5STRING_new());
    if (!ia5 || ASN1_STRING_set(ia5.get(), dns.data(), static_cast<int>(dns.size())) != 1)
      throw_openssl("cannot encode DNS name");
    push(GEN_DNS, ia5.get());
    ia5.release();
  }
  for (const auto& ip : ips) {
    OctetPtr oct(a2i_IPADDRESS(ip.c_str()));
    if (!oct) {
      ERR_clear_error();
      throw CryptoError("invalid IP address for subjectAltName: " + ip);
    }
    push(GEN_IPADD, oct.get());
    oct.release();
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1)
    throw_openssl("cannot add subjectAltName");
}

}  // namespace

CertificateAuthority CertificateAuthority::create(const std::string& cn, int days) {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) throw_openssl("EC P-256 key generation failed");
  auto cert = new_cert(key.get(), cn, nullptr, days);
  add_ext(cert.get(), nullptr, NID_basic_constraints, "critical,CA:TRUE");
  add_ext(cert.get(), nullptr, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(cert.get(), nullptr, NID_subject_key_identifier, "hash");
  sign(cert.get(), key.get());
  return CertificateAuthority(cert_to_pem(cert.get()), private_key_to_pem(key.get()));
}

CertificateAuthority CertificateAuthority::load(const std::string& cert_pem, const std::string& key_pem) {
  auto cert = load_cert(cert_pem);
  auto key = load_private_key(key_pem);
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    throw CryptoError("CA private key does not match the CA certificate");
  }
  if (X509_check_ca(cert.get()) == 0) throw CryptoError("certificate is not a CA certificate");
  return CertificateAuthority(cert_pem, key_pem);
}

std::string CertificateAuthority::issue_client_cert(const std::string& csr_pem, const std::string& cn,
                                                    int days, bool also_server_auth) const {
  CsrInfo csr = parse_and_verify_csr(csr_pem);  // proof of possession + key strength
  auto subject_key = load_public_key(csr.public_key_pem);
  auto ca_cert = shared_cert(cert_pem_);
  auto ca_key = shared_private_key(key_pem_);
  auto cert = new_cert(subject_key.get(), cn, ca_cert.get(), days);
  add_end_entity_exts(cert.get(), ca_cert.get(), subject_key.get(),
                      also_server_auth ? "serverAuth,clientAuth" : "clientAuth");
  sign(cert.get(), ca_key.get());
  return cert_to_pem(cert.get());
}

std::string CertificateAuthority::issue_server_cert(const std::string& key_pem, const std::string& cn,
                                                    const std::vector<std::string>& dns_names,
                                                    const std::vector<std::string>& ip_addresses,
                                                    int days) const {
  auto subject_key = load_private_key(key_pem);
  auto ca_cert = shared_cert(cert_pem_);
  auto ca_key = shared_private_key(key_pem_);
  auto cert = new_cert(subject_key.get(), cn, ca_cert.get(), days);
  add_end_entity_exts(cert.get(), ca_cert.get(), subject_key.get(), "serverAuth,clientAuth");
  add_san(cert.get(), dns_names, ip_addresses);
  sign(cert.get(), ca_key.get());
  return cert_to_pem(cert.get());
}

}  // namespace capif::crypto
