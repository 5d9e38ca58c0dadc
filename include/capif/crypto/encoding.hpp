#pragma once
// Byte encodings, hashing and randomness. Binary data travels in std::string (bytes, not text).
#include "capif/crypto/error.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace capif::crypto {

// RFC 4648 section 4, with '=' padding. Decoding is strict (no whitespace, canonical padding) and
// throws CryptoError on invalid input.
std::string base64_encode(std::string_view data);
std::string base64_decode(std::string_view text);

// RFC 4648 section 5 without padding (as JWS/JWK use it). Decoding rejects '=' and non-zero
// trailing bits, so every byte string has exactly one accepted encoding.
std::string base64url_encode(std::string_view data);
std::string base64url_decode(std::string_view text);

// Lowercase hex; decoding accepts either case and throws CryptoError on odd length / bad digits.
std::string hex_encode(std::string_view data);
std::string hex_decode(std::string_view text);

std::string sha256(std::string_view data);      // 32 raw bytes
std::string sha256_hex(std::string_view data);  // 64 lowercase hex chars

// From OpenSSL's CSPRNG; throws CryptoError if it cannot be seeded.
std::string random_bytes(std::size_t n);
// Unguessable bearer token: nbytes of randomness, base64url encoded.
std::string random_token(std::size_t nbytes = 32);
// Unguessable resource id: prefix + 32 lowercase hex chars (128 random bits), e.g. "INV3f0c...".
std::string random_id(std::string_view prefix);

}  // namespace capif::crypto
