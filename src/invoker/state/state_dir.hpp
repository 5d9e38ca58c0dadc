#pragma once
// The invoker's state directory: one file per kind of fact, every write atomic
// (crypto::write_file_atomic), secrets (private key, onboarding secret, AEFPSKs, tokens) in 0600 files.
//
//   ccf.json            {api_root, notification_destination, ccf_id (the onboarded CCF's id; absent in
//                       state written before interconnection: read as "")}
//   ca.crt              the CCF's CA certificate (trust anchor for the CCF and every AEF)
//   invoker.json        {apiInvokerId, enrolment (the onboarding answer without certificate and secret)}
//   invoker.key  0600   EC P-256 private key (PKCS#8 PEM)
//   invoker.crt         certificate issued by the CCF (CN = apiInvokerId)
//   onboarding_secret 0600   the OAuth client_secret
//   discovered.json     the discovered ServiceAPIDescriptions, merged by apiId
//   security.json       the negotiation: {created, entries: [{aefId, apiId, apiName, prefSecurityMethods,
//                       selSecurityMethod, designatedCcfId, designatedCcfTrustAnchor}]} (the last two
//                       only for an AEF behind another CCF)
//   aefpsk.json  0600   {aefId: {interface, key (base64), tls_version, derived_at}}
//   tokens.json  0600   [{access_token, scope, expires_at, obtained_at}]
#include "capif/model/publish_service_api.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace capif::invoker {

struct CcfSettings {
  std::string api_root;  // https://host:port (no trailing slash)
  std::string ca_pem;
  std::string notification_destination;
  // The id of the CCF the invoker onboarded at ("" when unknown): a remote AEF passes it to its own CCF
  // (check-authentication onboardedCcfId) so that CCF can fetch our security information from ours.
  std::string ccf_id;
};

struct InvokerIdentity {
  std::string invoker_id;
  std::string key_pem;
  std::string cert_pem;
  std::string onboarding_secret;
};

struct SecurityEntry {
  std::string aef_id;
  std::string api_id;    // empty: the entry names only the AEF
  std::string api_name;  // local bookkeeping (not sent)
  std::vector<std::string> pref_methods;
  std::string selected;  // selSecurityMethod; empty when the CCF selected none
  // Interconnection: the AEF is registered at another CCF (its discovered API has ccfId). Empty for a
  // local AEF. The trust anchor is the PEM CA of that CCF, which issued the AEF's server certificate.
  std::string designated_ccf_id;
  std::string designated_ccf_trust_anchor;
};

struct Negotiation {
  bool created = false;  // the trustedInvokers resource exists at the CCF (next time: POST .../update)
  std::vector<SecurityEntry> entries;
};

struct Aefpsk {
  std::string interface_info;  // P0 of the derivation
  std::string key;             // 32 raw bytes
  std::string tls_version;     // of the CAPIF-1e session it was derived from
  std::int64_t derived_at = 0;
};

struct Token {
  std::string access_token;
  std::string scope;
  std::int64_t expires_at = 0;  // unix seconds
  std::int64_t obtained_at = 0;
};

class StateDir {
 public:
  explicit StateDir(std::filesystem::path dir);  // creates the folder (0700) if needed
  const std::filesystem::path& path() const { return dir_; }

  void save_ccf(const CcfSettings& ccf);
  std::optional<CcfSettings> load_ccf() const;
  CcfSettings require_ccf() const;  // throws InvokerError(local)

  bool onboarded() const;
  void save_identity(const InvokerIdentity& id, const nlohmann::json& enrolment);
  std::optional<InvokerIdentity> load_identity() const;
  InvokerIdentity require_identity() const;  // throws InvokerError(local) "not onboarded"

  void save_discovered(const std::vector<model::ServiceAPIDescription>& apis);
  std::vector<model::ServiceAPIDescription> load_discovered() const;
  // Adds or replaces (by apiId, else by apiName) the given descriptions.
  void merge_discovered(const std::vector<model::ServiceAPIDescription>& apis);

  void save_negotiation(const Negotiation& n);
  Negotiation load_negotiation() const;

  void save_aefpsks(const std::map<std::string, Aefpsk>& keys);
  std::map<std::string, Aefpsk> load_aefpsks() const;

  void save_tokens(const std::vector<Token>& tokens);
  std::vector<Token> load_tokens() const;

  // After offboarding: removes the identity and everything derived from it; keeps ccf.json and ca.crt.
  void clear_identity();

 private:
  std::filesystem::path file(const char* name) const { return dir_ / name; }
  std::optional<nlohmann::json> read_json(const char* name) const;
  void write_json(const char* name, const nlohmann::json& j, bool secret) const;
  std::filesystem::path dir_;
};

// Finds the profile of aef_id in the description (nullptr when absent).
const model::AefProfile* find_profile(const model::ServiceAPIDescription& api, const std::string& aef_id);

}  // namespace capif::invoker
