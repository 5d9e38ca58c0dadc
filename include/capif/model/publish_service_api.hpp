#pragma once
// CAPIF_Publish_Service_API data model (TS 29.222 clause 8.2.4). Member names are the spec's.
// Extensible enumerations (Protocol, DataFormat, CommunicationType, Operation, SecurityMethod)
// are "anyOf enum + string" in 3GPP, so they are kept as strings and any string is accepted.
#include "capif/model/common_data.hpp"
#include "capif/model/json_reader.hpp"

#include <optional>
#include <string>
#include <vector>

namespace capif::model {

using Protocol = std::string;           // HTTP_1_1, HTTP_2, MQTT, WEBSOCKET, ...
using DataFormat = std::string;         // JSON, XML, PROTOBUF3, ...
using CommunicationType = std::string;  // REQUEST_RESPONSE, SUBSCRIBE_NOTIFY, ...
using Operation = std::string;          // GET, POST, PUT, PATCH, DELETE, ...
using SecurityMethod = std::string;     // PSK, PKI, OAUTH, ...

struct CustomOperation {
  CommunicationType commType;
  std::string custOpName;
  std::optional<std::vector<Operation>> operations;
  std::optional<std::string> description;
  bool operator==(const CustomOperation&) const = default;
};

struct Resource {
  std::string resourceName;
  CommunicationType commType;
  std::string uri;
  std::optional<std::string> custOpName;
  std::optional<std::vector<CustomOperation>> custOperations;
  std::optional<std::vector<Operation>> operations;
  std::optional<std::string> description;
  bool operator==(const Resource&) const = default;
};

struct Version {
  std::string apiVersion;
  std::optional<DateTime> expiry;
  std::optional<std::vector<Resource>> resources;
  std::optional<std::vector<CustomOperation>> custOperations;
  bool operator==(const Version&) const = default;
};

// Exactly one of ipv4Addr / ipv6Addr / fqdn.
struct InterfaceDescription {
  std::optional<Ipv4Addr> ipv4Addr;
  std::optional<Ipv6Addr> ipv6Addr;
  std::optional<Fqdn> fqdn;
  std::optional<std::int64_t> port;
  std::optional<std::string> apiPrefix;
  std::optional<std::vector<SecurityMethod>> securityMethods;
  bool operator==(const InterfaceDescription&) const = default;
};

struct ServiceKpis {
  std::optional<std::int64_t> maxReqRate;
  std::optional<std::int64_t> maxRestime;
  std::optional<std::int64_t> availability;
  std::optional<std::string> avalComp;
  std::optional<std::string> avalGraComp;
  std::optional<std::string> avalMem;
  std::optional<std::string> avalStor;
  std::optional<std::int64_t> conBand;
  bool operator==(const ServiceKpis&) const = default;
};

// Exactly one of domainName / interfaceDescriptions.
struct AefProfile {
  std::string aefId;
  std::vector<Version> versions;  // minItems 1
  std::optional<Protocol> protocol;
  std::optional<DataFormat> dataFormat;
  std::optional<std::vector<SecurityMethod>> securityMethods;
  std::optional<std::string> domainName;
  std::optional<std::vector<InterfaceDescription>> interfaceDescriptions;
  std::optional<nlohmann::json> aefLocation;  // AefLocation (civicAddr, geoArea, dcId), kept raw
  std::optional<ServiceKpis> serviceKpis;
  std::optional<nlohmann::json> ueIpRange;  // IpAddrRange, kept raw
  bool operator==(const AefProfile&) const = default;
};

struct ShareableInformation {
  bool isShareable = false;
  std::optional<std::vector<std::string>> capifProvDoms;
  bool operator==(const ShareableInformation&) const = default;
};

struct PublishedApiPath {
  std::optional<std::vector<std::string>> ccfIds;
  bool operator==(const PublishedApiPath&) const = default;
};

// An empty aefIds list is meaningful (inactive at every AEF), hence no minItems.
struct ApiStatus {
  std::vector<std::string> aefIds;
  bool operator==(const ApiStatus&) const = default;
};

struct ServiceAPIDescription {
  std::string apiName;
  std::optional<std::string> apiId;
  std::optional<ApiStatus> apiStatus;
  std::optional<std::vector<AefProfile>> aefProfiles;
  std::optional<std::string> description;
  std::optional<SupportedFeatures> supportedFeatures;
  std::optional<ShareableInformation> shareableInfo;
  std::optional<std::string> serviceAPICategory;
  std::optional<SupportedFeatures> apiSuppFeats;
  std::optional<PublishedApiPath> pubApiPath;
  std::optional<std::string> ccfId;
  bool operator==(const ServiceAPIDescription&) const = default;
};

// JSON merge-patch body (application/merge-patch+json); null deletes the member.
struct ServiceAPIDescriptionPatch {
  PatchField<ApiStatus> apiStatus;
  PatchField<std::vector<AefProfile>> aefProfiles;
  PatchField<std::string> description;
  PatchField<ShareableInformation> shareableInfo;
  PatchField<std::string> serviceAPICategory;
  PatchField<SupportedFeatures> apiSuppFeats;
  PatchField<PublishedApiPath> pubApiPath;
  PatchField<std::string> ccfId;
  bool operator==(const ServiceAPIDescriptionPatch&) const = default;
};

bool from_json(const nlohmann::json& j, CustomOperation& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, Resource& out, const std::string& pointer, InvalidParams& errs);
bool from_json(const nlohmann::json& j, Version& out, const std::string& pointer, InvalidParams& errs);
bool from_json(const nlohmann::json& j, InterfaceDescription& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, ServiceKpis& out, const std::string& pointer, InvalidParams& errs);
bool from_json(const nlohmann::json& j, AefProfile& out, const std::string& pointer, InvalidParams& errs);
bool from_json(const nlohmann::json& j, ShareableInformation& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, PublishedApiPath& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, ApiStatus& out, const std::string& pointer, InvalidParams& errs);
bool from_json(const nlohmann::json& j, ServiceAPIDescription& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, ServiceAPIDescriptionPatch& out, const std::string& pointer,
               InvalidParams& errs);

nlohmann::json to_json(const CustomOperation& v);
nlohmann::json to_json(const Resource& v);
nlohmann::json to_json(const Version& v);
nlohmann::json to_json(const InterfaceDescription& v);
nlohmann::json to_json(const ServiceKpis& v);
nlohmann::json to_json(const AefProfile& v);
nlohmann::json to_json(const ShareableInformation& v);
nlohmann::json to_json(const PublishedApiPath& v);
nlohmann::json to_json(const ApiStatus& v);
nlohmann::json to_json(const ServiceAPIDescription& v);
nlohmann::json to_json(const ServiceAPIDescriptionPatch& v);

// RFC 7396 merge of the patch into `base`, then re-validated (errors use pointers of the result).
std::optional<ServiceAPIDescription> apply_patch(const ServiceAPIDescription& base,
                                                 const ServiceAPIDescriptionPatch& patch,
                                                 InvalidParams& errs);

}  // namespace capif::model

namespace capif::model {
// Value of a ServiceKpis avalComp/avalGraComp ("1.5 GFLOPS") or avalMem/avalStor ("8 GB")
// string in base units (FLOPS / bytes, decimal multiples); nullopt when it does not match.
std::optional<double> service_kpi_amount(std::string_view s);
}  // namespace capif::model

namespace capif::model {
// The one canonical string of an AEF interface, used as P0 of AEFPSK (TS 33.122 A.1) identically by
// invoker and CCF: "<ipv4 | [ipv6] | fqdn>:<port, 443 if absent><apiPrefix>", or the domainName as
// published when the profile has no interfaceDescriptions.
std::string aef_interface_string(const InterfaceDescription& intf);
std::string aef_interface_string(const AefProfile& profile);  // first interface, else domainName
}  // namespace capif::model
