#pragma once
// What the AEF knows about each invoker's negotiated security (from GET trustedInvokers), and revocations.
// Thread-safe: the TLS-PSK callback reads it on handshake threads.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace capif::aef {

struct PublishedApi {
  std::string apiId, apiName, version, prefix;
  std::vector<std::string> methods;  // the securityMethods the APF published; empty = any
};

struct SecurityEntry {
  std::string method;  // selSecurityMethod: PSK, PKI, OAUTH ("" = nothing selected)
  std::string psk;     // raw AEFPSK (PSK)
  std::string ca_pem;  // CA certificate validating the invoker (PKI)
  // sha256 (DER, lower-case hex) of ca_pem: a PKI client must have been verified by exactly this anchor,
  // not merely by one the listener trusts (it trusts the CAs of several CCFs). "" = unusable for PKI.
  std::string ca_fingerprint;
  std::set<std::string> api_ids, api_names;
  bool covers(const PublishedApi& api) const {
    return api_ids.contains(api.apiId) || api_names.contains(api.apiName);
  }
};

struct InvokerSecurity {
  std::vector<SecurityEntry> entries;
  // The CCF the invoker onboarded at when it is not ours (check-authentication onboardedCcfId): every
  // later fetch of this invoker's information asks our CCF for that remote context again.
  std::string onboarded_ccf_id;
  const SecurityEntry* entry_for(const PublishedApi& api) const;
  // The key a TLS-PSK handshake with identity = this invoker uses: the first PSK entry's (see security.md).
  std::optional<std::string> psk() const;
};

// Keeps the entries of a ServiceSecurity body that concern this AEF (aefId = ours, or interfaceDetails =
// one of our interfaces) and maps them to our APIs (authorizationInfo apiIds/apiNames, apiId, apiPrefix).
// A PKI entry whose authenticationInfo is not a PEM certificate is kept without ca_fingerprint (PKI is then
// refused for it). Throws std::runtime_error on a malformed body.
InvokerSecurity parse_service_security(const nlohmann::json& body, const std::string& aef_id,
                                       const std::string& address, int port,
                                       const std::vector<PublishedApi>& apis);

class SecurityCache {
 public:
  void put(const std::string& invoker, InvokerSecurity sec);
  std::optional<InvokerSecurity> get(const std::string& invoker) const;
  std::optional<std::string> psk(const std::string& invoker) const;
  void erase(const std::string& invoker);
  // Drops the entries for these APIs (all when api_ids is empty) and records the time, so tokens issued
  // before it (iat < time) stop working. api_names: names of the api_ids (for token scopes).
  void revoke(const std::string& invoker, const std::set<std::string>& api_ids,
              const std::set<std::string>& api_names, std::int64_t now);
  // Latest revocation time that applies to this invoker and API (0 = never revoked).
  std::int64_t revoked_at(const std::string& invoker, const std::string& api_name) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, InvokerSecurity> invokers_;
  std::map<std::string, std::map<std::string, std::int64_t>> revoked_;  // invoker -> apiName|"*" -> time
};

}  // namespace capif::aef
