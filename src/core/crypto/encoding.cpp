#include "crypto/ossl.hpp"

#include "capif/crypto/encoding.hpp"

#include <openssl/rand.h>

#include <array>
#include <climits>

namespace capif::crypto {
namespace {

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view in, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    std::uint32_t v = (std::uint8_t(in[i]) << 16) | (std::uint8_t(in[i + 1]) << 8) | std::uint8_t(in[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  std::size_t rest = in.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint8_t(in[i]) << 16;
    if (rest == 2) v |= std::uint8_t(in[i + 1]) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (rest == 2) out += alphabet[(v >> 6) & 63];
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

// Strict decoder: only alphabet characters, and the unused low bits of the last symbol must be zero
// (otherwise several encodings would decode to the same bytes, which matters for signed tokens).
std::string decode(std::string_view in, const char* alphabet, const char* name) {
  std::array<int, 256> rev;
  rev.fill(-1);
  for (int k = 0; k < 64; ++k) rev[static_cast<unsigned char>(alphabet[k])] = k;
  if (in.size() % 4 == 1) throw CryptoError(std::string("invalid ") + name + ": bad length");
  std::string out;
  out.reserve(in.size() / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = rev[static_cast<unsigned char>(c)];
    if (v < 0) throw CryptoError(std::string("invalid ") + name + ": unexpected character");
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
    throw CryptoError(std::string("invalid ") + name + ": non-zero trailing bits");
  return out;
}

}  // namespace

std::string base64_encode(std::string_view data) {
  return encode(data, kStd, true);
}

std::string base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) throw CryptoError("invalid base64: length is not a multiple of 4");
  std::size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  return decode(text.substr(0, text.size() - pad), kStd, "base64");
}

std::string base64url_encode(std::string_view data) {
  return encode(data, kUrl, false);
}

std::string base64url_decode(std::string_view text) {
  return decode(text, kUrl, "base64url");
}

std::string hex_encode(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (unsigned char c : data) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string hex_decode(std::string_view text) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw CryptoError("invalid hex: unexpected character");
  };
  if (text.size() % 2 != 0) throw CryptoError("invalid hex: odd length");
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2)
    out += static_cast<char>((nibble(text[i]) << 4) | nibble(text[i + 1]));
  return out;
}

std::string sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
    detail::throw_openssl("SHA-256 failed");
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string sha256_hex(std::string_view data) {
  return hex_encode(sha256(data));
}

std::string random_bytes(std::size_t n) {
  if (n > static_cast<std::size_t>(INT_MAX)) throw CryptoError("random_bytes: size too large");
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    detail::throw_openssl("RAND_bytes failed");
  return out;
}

std::string random_token(std::size_t nbytes) {
  return base64url_encode(random_bytes(nbytes));
}

std::string random_id(std::string_view prefix) {
  // 128 bits: collision-free in practice and not guessable, so ids need no separate access secret.
  return std::string(prefix) + hex_encode(random_bytes(16));
}

}  // namespace capif::crypto
