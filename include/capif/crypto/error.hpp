#pragma once
// The one exception type of the crypto module; callers map it to ApiError or a startup failure.
#include <stdexcept>
#include <string>

namespace capif::crypto {

class CryptoError : public std::runtime_error {
 public:
  explicit CryptoError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace capif::crypto
