#pragma once
// CAPIF_API_Provider_Management_API data model (TS 29.222 clause 8.9.4).
// The Rel-18 YAML has no apiProvName in APIProviderEnrolmentDetails (only TS 23.222 mentions an
// "API provider name"), so it is not modelled.
#include "capif/model/common_data.hpp"
#include "capif/model/json_reader.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capif::model {

// Closed on purpose although the YAML is extensible: the CCF issues a role-specific
// certificate and cannot do so for a role it does not know.
enum class ApiProviderFuncRole { AEF, APF, AMF };

std::string_view to_string(ApiProviderFuncRole r);
std::optional<ApiProviderFuncRole> parse_api_provider_func_role(std::string_view s);

struct RegistrationInformation {
  std::string apiProvPubKey;  // in practice a PEM PKCS#10 CSR
  std::optional<std::string> apiProvCert;
  bool operator==(const RegistrationInformation&) const = default;
};

struct APIProviderFunctionDetails {
  std::optional<std::string> apiProvFuncId;
  RegistrationInformation regInfo;
  ApiProviderFuncRole apiProvFuncRole = ApiProviderFuncRole::AEF;
  std::optional<std::string> apiProvFuncInfo;
  bool operator==(const APIProviderFunctionDetails&) const = default;
};

struct APIProviderEnrolmentDetails {
  std::optional<std::string> apiProvDomId;
  std::string regSec;
  std::optional<std::vector<APIProviderFunctionDetails>> apiProvFuncs;  // minItems 1
  std::optional<std::string> apiProvDomInfo;
  std::optional<SupportedFeatures> suppFeat;
  std::optional<std::string> failReason;
  bool operator==(const APIProviderEnrolmentDetails&) const = default;
};

struct APIProviderEnrolmentDetailsPatch {
  PatchField<std::vector<APIProviderFunctionDetails>> apiProvFuncs;
  PatchField<std::string> apiProvDomInfo;
  bool operator==(const APIProviderEnrolmentDetailsPatch&) const = default;
};

bool from_json(const nlohmann::json& j, RegistrationInformation& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, APIProviderFunctionDetails& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, APIProviderEnrolmentDetails& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, APIProviderEnrolmentDetailsPatch& out, const std::string& pointer,
               InvalidParams& errs);

nlohmann::json to_json(const RegistrationInformation& v);
nlohmann::json to_json(const APIProviderFunctionDetails& v);
nlohmann::json to_json(const APIProviderEnrolmentDetails& v);
nlohmann::json to_json(const APIProviderEnrolmentDetailsPatch& v);

// RFC 7396 merge of the patch into `base`, then re-validated.
std::optional<APIProviderEnrolmentDetails> apply_patch(const APIProviderEnrolmentDetails& base,
                                                       const APIProviderEnrolmentDetailsPatch& patch,
                                                       InvalidParams& errs);

}  // namespace capif::model
