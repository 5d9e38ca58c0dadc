#pragma once
// The provider side of capif-aef: AMF registration of the domain (AMF, APF, AEF functions, each with its
// own key, CSR and certificate) and APF publication of the configured APIs. State lives in data_dir so a
// restart reuses it: no second registration, publications are updated (PUT) instead of re-created.
#include "aef/ccf_client.hpp"
#include "aef/config.hpp"

#include <filesystem>
#include <map>
#include <string>

namespace capif::aef {

struct FunctionIdentity {
  std::string id;
  std::string key_pem, cert_pem;
  TlsIdentity tls() const { return {cert_pem, key_pem}; }
};

struct ProviderState {
  std::string dom_id;
  FunctionIdentity amf, apf, aef;
  std::map<std::string, std::string> api_ids;  // apiName -> apiId of the publication
};

// Loads the state from data_dir, registering at the CCF when there is none (needs the credential).
// Throws std::runtime_error with the CCF's answer when the CCF refuses.
ProviderState ensure_registered(const AefConfig& cfg, ProviderCcf& ccf);
// Publishes every configured API (PUT when data_dir already has its apiId; POST when not or when the CCF
// no longer knows it) and saves the apiIds.
void publish_apis(const AefConfig& cfg, ProviderCcf& ccf, ProviderState& state);

// The ServiceAPIDescription capif-aef publishes for one configured API.
nlohmann::json service_api_description(const AefConfig& cfg, const ApiConfig& api, const std::string& aef_id);

std::string read_credential(const AefConfig& cfg);  // ccf.credential or the trimmed ccf.credential_file

}  // namespace capif::aef
