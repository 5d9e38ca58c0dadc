// Key generation and PKCS#10 CSRs.
#include "crypto/ossl.hpp"

#include "capif/crypto/pki.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace capif::crypto {
using namespace detail;

std::string generate_ec_key_pem() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) throw_openssl("EC P-256 key generation failed");
  return private_key_to_pem(key.get());
}

std::string public_key_pem(const std::string& private_key_pem) {
  auto key = load_private_key(private_key_pem);
  return public_key_to_pem(key.get());
}

std::string make_csr_pem(const std::string& key_pem, const std::string& cn) {
  auto key = load_private_key(key_pem);
  ReqPtr req(X509_REQ_new());
  if (!req) throw_openssl("X509_REQ_new failed");
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  if (X509_REQ_set_version(req.get(), 0) != 1 ||
      X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) != 1 ||
      X509_REQ_set_pubkey(req.get(), key.get()) != 1)
    throw_openssl("cannot build CSR");
  if (X509_REQ_sign(req.get(), key.get(), EVP_sha256()) <= 0) throw_openssl("cannot sign CSR");
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_REQ(bio.get(), req.get()) != 1) throw_openssl("cannot encode CSR");
  return bio_to_string(bio.get());
}

namespace {

// Only keys a TLS peer will accept and that are at least ~112-bit strong.
void check_key_strength(EVP_PKEY* key) {
  int bits = EVP_PKEY_get_bits(key);
  if (EVP_PKEY_is_a(key, "RSA") == 1) {
    if (bits < 2048)
      throw CryptoError("CSR key too weak: RSA " + std::to_string(bits) + " bits (minimum 2048)");
  } else if (EVP_PKEY_is_a(key, "EC") == 1) {
    if (bits < 256) throw CryptoError("CSR key too weak: EC " + std::to_string(bits) + " bits (minimum 256)");
  } else {
    throw CryptoError("CSR key type not supported (RSA or EC required)");
  }
}

}  // namespace

CsrInfo parse_and_verify_csr(const std::string& pem) {
  if (pem.find("-----BEGIN") == std::string::npos) throw CryptoError("CSR is not PEM encoded");
  auto bio = mem_bio(pem);
  ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!req) throw_openssl("invalid CSR");
  EVP_PKEY* key = X509_REQ_get0_pubkey(req.get());  // owned by req
  if (!key) throw_openssl("CSR has no usable public key");
  // Proof of possession: the CSR must be signed by the private key of the key it asks to certify.
  if (X509_REQ_verify(req.get(), key) != 1) {
    ERR_clear_error();
    throw CryptoError("CSR signature does not verify");
  }
  check_key_strength(key);
  return CsrInfo{common_name(X509_REQ_get_subject_name(req.get())), public_key_to_pem(key)};
}

}  // namespace capif::crypto
