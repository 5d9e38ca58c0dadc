#include "capif/crypto/kdf.hpp"

#include "crypto/ossl.hpp"

#include <openssl/hmac.h>

#include <stdexcept>

namespace capif::crypto {

std::string kdf_33220(std::string_view key, unsigned char fc, std::initializer_list<std::string_view> params) {
  std::string s(1, static_cast<char>(fc));
  for (auto p : params) {
    if (p.size() > 0xFFFF) throw CryptoError("KDF parameter longer than 65535 octets");
    s.append(p);
    s.push_back(static_cast<char>((p.size() >> 8) & 0xFF));
    s.push_back(static_cast<char>(p.size() & 0xFF));
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(s.data()),
            s.size(), out, &len))
    detail::throw_openssl("HMAC-SHA-256 failed");
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string derive_aefpsk(std::string_view key, std::string_view interface_info, std::string_view session_id) {
  return kdf_33220(key, 0x7A, {interface_info, session_id});
}

}  // namespace capif::crypto
