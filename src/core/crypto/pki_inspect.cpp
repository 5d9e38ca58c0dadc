// Reading certificates: fields, fingerprints and chain verification.
#include "crypto/ossl.hpp"

#include "capif/crypto/encoding.hpp"
#include "capif/crypto/pki.hpp"

#include <openssl/err.h>

#include <ctime>

namespace capif::crypto {
using namespace detail;

namespace {

std::int64_t to_unix(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) throw_openssl("invalid certificate time");
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string der_of(X509* cert) {
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  if (len <= 0) throw_openssl("cannot DER-encode certificate");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

std::string cert_fingerprint_sha256_der(const unsigned char* der, std::size_t len) {
  return sha256_hex(std::string_view(reinterpret_cast<const char*>(der), len));
}

std::vector<std::string> split_pem_certificates(const std::string& pem) {
  static const std::string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
  std::vector<std::string> out;
  for (std::size_t b = pem.find(begin); b != std::string::npos; b = pem.find(begin, b + 1)) {
    const auto e = pem.find(end, b);
    if (e == std::string::npos) break;
    out.push_back(pem.substr(b, e + end.size() - b) + "\n");
  }
  return out;
}

CertInfo inspect_cert(const std::string& pem) {
  auto cert = load_cert(pem);
  CertInfo info;
  info.subject_cn = common_name(X509_get_subject_name(cert.get()));
  info.issuer_cn = common_name(X509_get_issuer_name(cert.get()));
  info.fingerprint_sha256 = sha256_hex(der_of(cert.get()));
  BnPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr));
  if (!serial) throw_openssl("invalid serial number");
  OsslStrPtr hex(BN_bn2hex(serial.get()));
  if (!hex) throw_openssl("BN_bn2hex failed");
  info.serial_hex = hex.get();
  for (auto& c : info.serial_hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  info.not_before = to_unix(X509_get0_notBefore(cert.get()));
  info.not_after = to_unix(X509_get0_notAfter(cert.get()));
  return info;
}

bool verify_cert_signed_by(const std::string& cert_pem, const std::string& ca_pem) {
  auto ca = load_cert(ca_pem);
  X509Ptr cert;
  try {
    cert = load_cert(cert_pem);
  } catch (const CryptoError&) {
    return false;
  }
  StorePtr store(X509_STORE_new());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx) throw_openssl("X509_STORE_new failed");
  if (X509_STORE_add_cert(store.get(), ca.get()) != 1) throw_openssl("cannot add CA to store");
  if (X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr) != 1)
    throw_openssl("X509_STORE_CTX_init failed");
  bool ok = X509_verify_cert(ctx.get()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace capif::crypto
