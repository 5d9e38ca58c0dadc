#include "crypto/ossl.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <mutex>
#include <unordered_map>

#include <climits>
#include <cstring>

namespace capif::crypto::detail {

void clear_openssl_errors() {
  ERR_clear_error();
}

void throw_openssl(const std::string& what) {
  std::string msg = what;
  bool first = true;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    msg += first ? ": " : "; ";
    msg += buf;
    first = false;
  }
  throw CryptoError(msg);
}

BioPtr mem_bio(const std::string& s) {
  if (s.size() > static_cast<std::size_t>(INT_MAX)) throw CryptoError("input too large");
  BioPtr bio(BIO_new_mem_buf(s.data(), static_cast<int>(s.size())));
  if (!bio) throw_openssl("BIO_new_mem_buf failed");
  return bio;
}

std::string bio_to_string(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

namespace {
BioPtr out_bio() {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) throw_openssl("BIO_new failed");
  return bio;
}
}  // namespace

PkeyPtr load_private_key(const std::string& pem) {
  auto bio = mem_bio(pem);
  // Empty passphrase callback data: an encrypted key fails instead of prompting on the terminal.
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char*>("")));
  if (!key) throw_openssl("invalid private key PEM");
  return key;
}

PkeyPtr load_public_key(const std::string& pem) {
  auto bio = mem_bio(pem);
  PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) throw_openssl("invalid public key PEM");
  return key;
}

X509Ptr load_cert(const std::string& pem) {
  auto bio = mem_bio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) throw_openssl("invalid certificate PEM");
  return cert;
}

std::string private_key_to_pem(EVP_PKEY* key) {
  auto bio = out_bio();
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw_openssl("PEM_write_bio_PrivateKey failed");
  return bio_to_string(bio.get());
}

std::string public_key_to_pem(EVP_PKEY* key) {
  auto bio = out_bio();
  if (PEM_write_bio_PUBKEY(bio.get(), key) != 1) throw_openssl("PEM_write_bio_PUBKEY failed");
  return bio_to_string(bio.get());
}

std::string cert_to_pem(X509* cert) {
  auto bio = out_bio();
  if (PEM_write_bio_X509(bio.get(), cert) != 1) throw_openssl("PEM_write_bio_X509 failed");
  return bio_to_string(bio.get());
}

bool is_ec_p256(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "EC") != 1) return false;
  char group[64] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) {
    ERR_clear_error();
    return false;
  }
  return std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0;
}

std::string common_name(const X509_NAME* name) {
  if (!name) return {};
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return {};
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) {
    ERR_clear_error();
    return {};
  }
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

}  // namespace capif::crypto::detail

namespace capif::crypto::detail {
namespace {
template <class T, class Load>
std::shared_ptr<T> memoised(const std::string& pem, Load load) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::shared_ptr<T>> cache;
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(pem); it != cache.end()) return it->second;
  }
  auto owned = load(pem);
  std::shared_ptr<T> shared(owned.release(), owned.get_deleter());
  std::lock_guard lock(mutex);
  if (cache.size() >= 32) cache.clear();  // a handful of long-lived keys; never grows without bound
  cache.emplace(pem, shared);
  return shared;
}
}  // namespace

std::shared_ptr<EVP_PKEY> shared_private_key(const std::string& pem) {
  return memoised<EVP_PKEY>(pem, load_private_key);
}
std::shared_ptr<EVP_PKEY> shared_public_key(const std::string& pem) {
  return memoised<EVP_PKEY>(pem, load_public_key);
}
std::shared_ptr<X509> shared_cert(const std::string& pem) { return memoised<X509>(pem, load_cert); }

}  // namespace capif::crypto::detail
