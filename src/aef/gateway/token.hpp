#pragma once
// Local verification of CAPIF access tokens (TS 33.122 6.5.2.3 / Annex C) at the AEF: no CCF call.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

namespace capif::aef {

using JwksKeys = std::map<std::string, std::string>;  // kid -> EC P-256 public key PEM

// JWKS document -> keys; only EC P-256 keys usable for ES256 signatures are kept.
JwksKeys parse_jwks(const nlohmann::json& jwks);

// "3gpp#aef1:api1,api2;aef2:api3" -> {aef -> {apis}}; empty on a malformed scope.
std::map<std::string, std::set<std::string>> parse_scope(const std::string& scope);

struct TokenCheck {
  bool ok = false;
  int status = 401;     // 401 invalid_token, 403 insufficient_scope
  std::string error;    // "invalid_token" | "insufficient_scope" | "unknown_key"
  std::string detail;   // for the ProblemDetails
  std::string invoker;  // client_id (else sub, else iss)
  std::int64_t iat = 0;
  std::int64_t exp = 0;
};

// Tokens whose signature and claims were already checked for one API, until they expire: a client
// sends the same token for many calls, and an ES256 verification costs more than the rest of the call.
// Bounded; cleared whenever the key set changes.
class VerifiedTokens {
 public:
  std::optional<TokenCheck> find(const std::string& api_name, const std::string& token, std::int64_t now,
                                 std::int64_t leeway_s) const;
  void remember(const std::string& api_name, const std::string& token, const TokenCheck& check);
  void clear();

 private:
  static constexpr std::size_t kMaxEntries = 20000;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, TokenCheck> entries_;
};

// alg ES256 only (the header is checked before any key is used), signature by the key named by kid (or the
// only key), exp/nbf with leeway_s (capped at 30 s), aud contains aef_id, api_name in the scope for aef_id.
TokenCheck check_access_token(const std::string& token, const JwksKeys& keys, const std::string& aef_id,
                              const std::string& api_name, std::int64_t now, std::int64_t leeway_s);

}  // namespace capif::aef
