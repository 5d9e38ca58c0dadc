#pragma once
// Internal: RAII owners and small helpers around OpenSSL 3. Every crypto .cpp includes this first so that
// deprecated (pre-3.0) APIs are not even declared: using one is a compile error.
#ifndef OPENSSL_API_COMPAT
#define OPENSSL_API_COMPAT 30000
#endif
#ifndef OPENSSL_NO_DEPRECATED
#define OPENSSL_NO_DEPRECATED
#endif

#include "capif/crypto/error.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

namespace capif::crypto::detail {

template <auto Fn>
struct Free {
  template <class T>
  void operator()(T* p) const {
    Fn(p);
  }
};

using BioPtr = std::unique_ptr<BIO, Free<BIO_free_all>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Free<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Free<EVP_MD_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using ReqPtr = std::unique_ptr<X509_REQ, Free<X509_REQ_free>>;
using NamePtr = std::unique_ptr<X509_NAME, Free<X509_NAME_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Free<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Free<X509_STORE_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Free<BN_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Free<ECDSA_SIG_free>>;
using Asn1IntPtr = std::unique_ptr<ASN1_INTEGER, Free<ASN1_INTEGER_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, Free<ASN1_TIME_free>>;
using Ia5Ptr = std::unique_ptr<ASN1_IA5STRING, Free<ASN1_IA5STRING_free>>;
using OctetPtr = std::unique_ptr<ASN1_OCTET_STRING, Free<ASN1_OCTET_STRING_free>>;
using GenNamePtr = std::unique_ptr<GENERAL_NAME, Free<GENERAL_NAME_free>>;
struct GenNamesFree {
  void operator()(GENERAL_NAMES* p) const { sk_GENERAL_NAME_pop_free(p, GENERAL_NAME_free); }
};
using GenNamesPtr = std::unique_ptr<GENERAL_NAMES, GenNamesFree>;
struct OpensslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};
using OsslStrPtr = std::unique_ptr<char, OpensslFree>;

// Throws CryptoError(what + ": " + OpenSSL error queue), clearing the queue so errors never leak into
// unrelated later calls on this thread.
[[noreturn]] void throw_openssl(const std::string& what);
// Drops queued OpenSSL errors after an expected failure (e.g. trying one PEM format, then another).
void clear_openssl_errors();

// Read-only memory BIO over s (s must outlive it).
BioPtr mem_bio(const std::string& s);
std::string bio_to_string(BIO* bio);

PkeyPtr load_private_key(const std::string& pem);  // throws CryptoError
PkeyPtr load_public_key(const std::string& pem);   // throws CryptoError
X509Ptr load_cert(const std::string& pem);         // throws CryptoError
std::string private_key_to_pem(EVP_PKEY* key);     // PKCS#8
std::string public_key_to_pem(EVP_PKEY* key);
std::string cert_to_pem(X509* cert);

// Parsed once per distinct PEM and shared (read-only use is thread-safe in OpenSSL 3): long-lived keys
// such as the CA key and the token-signing key are used on every request, and decoding them through
// OpenSSL 3's decoder framework costs more than the signature itself.
std::shared_ptr<EVP_PKEY> shared_private_key(const std::string& pem);
std::shared_ptr<EVP_PKEY> shared_public_key(const std::string& pem);
std::shared_ptr<X509> shared_cert(const std::string& pem);

bool is_ec_p256(EVP_PKEY* key);
// Value of the first CN in name as UTF-8, or "" if there is none.
std::string common_name(const X509_NAME* name);

}  // namespace capif::crypto::detail
