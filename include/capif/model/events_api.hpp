#pragma once
// CAPIF_Events_API data model (TS 29.222 clause 8.3.4): event subscriptions and the notifications sent
// for them. ReportingInformation (TS 29.523) keeps the members the CCF acts upon.
#include "capif/model/access_control_policy_api.hpp"
#include "capif/model/json_reader.hpp"
#include "capif/model/logging_api.hpp"
#include "capif/model/publish_service_api.hpp"
#include "capif/model/routing_info_api.hpp"

#include <optional>
#include <string>
#include <vector>

namespace capif::model {

using CAPIFEvent = std::string;

// The CAPIFEvent values this CCF emits (all of TS 29.222 Rel-18).
const std::vector<std::string>& supported_capif_events();

struct CAPIFEventFilter {
  std::optional<std::vector<std::string>> apiIds;
  std::optional<std::vector<std::string>> apiInvokerIds;
  std::optional<std::vector<std::string>> aefIds;
  bool operator==(const CAPIFEventFilter&) const = default;
};

struct ReportingInformation {
  std::optional<bool> immRep;
  std::optional<std::string> notifMethod;  // PERIODIC | ONE_TIME | ON_EVENT_DETECTION
  std::optional<std::int64_t> maxReportNbr;
  std::optional<DateTime> monDur;
  std::optional<std::int64_t> repPeriod;  // DurationSec
  bool operator==(const ReportingInformation&) const = default;
};

struct WebsockNotifConfig {
  std::optional<Uri> websocketUri;
  std::optional<bool> requestWebsocketUri;
  bool operator==(const WebsockNotifConfig&) const = default;
};

struct EventSubscription {
  std::vector<CAPIFEvent> events;                             // minItems 1
  std::optional<std::vector<CAPIFEventFilter>> eventFilters;  // entry N applies to events[N]
  std::optional<ReportingInformation> eventReq;
  Uri notificationDestination;
  std::optional<bool> requestTestNotification;
  std::optional<WebsockNotifConfig> websockNotifConfig;
  std::optional<SupportedFeatures> supportedFeatures;
  bool operator==(const EventSubscription&) const = default;
};

struct EventSubscriptionPatch {
  PatchField<std::vector<CAPIFEvent>> events;
  PatchField<std::vector<CAPIFEventFilter>> eventFilters;
  PatchField<ReportingInformation> eventReq;
  PatchField<Uri> notificationDestination;
  bool operator==(const EventSubscriptionPatch&) const = default;
};

struct AccessControlPolicyListExt {
  AccessControlPolicyList list;
  std::string apiId;
  bool operator==(const AccessControlPolicyListExt&) const = default;
};

struct TopologyHiding {
  std::string apiId;
  std::vector<RoutingRule> routingRules;  // minItems 1
  bool operator==(const TopologyHiding&) const = default;
};

struct CAPIFEventDetail {
  std::optional<std::vector<ServiceAPIDescription>> serviceAPIDescriptions;
  std::optional<std::vector<std::string>> apiIds;
  std::optional<std::vector<std::string>> apiInvokerIds;
  std::optional<AccessControlPolicyListExt> accCtrlPolList;
  std::optional<std::vector<InvocationLog>> invocationLogs;
  std::optional<TopologyHiding> apiTopoHide;
  bool operator==(const CAPIFEventDetail&) const = default;
};

struct EventNotification {
  std::string subscriptionId;
  CAPIFEvent events;
  std::optional<CAPIFEventDetail> eventDetail;
  bool operator==(const EventNotification&) const = default;
};

bool from_json(const nlohmann::json& j, CAPIFEventFilter& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, ReportingInformation& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, WebsockNotifConfig& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, EventSubscription& out, const std::string& pointer,
               InvalidParams& errs);
bool from_json(const nlohmann::json& j, EventSubscriptionPatch& out, const std::string& pointer,
               InvalidParams& errs);

nlohmann::json to_json(const CAPIFEventFilter& v);
nlohmann::json to_json(const ReportingInformation& v);
nlohmann::json to_json(const WebsockNotifConfig& v);
nlohmann::json to_json(const EventSubscription& v);
nlohmann::json to_json(const AccessControlPolicyListExt& v);
nlohmann::json to_json(const TopologyHiding& v);
nlohmann::json to_json(const CAPIFEventDetail& v);
nlohmann::json to_json(const EventNotification& v);
nlohmann::json to_json(const EventSubscriptionPatch& v);

// RFC 7396 merge of the patch into `base`, then re-validated.
std::optional<EventSubscription> apply_patch(const EventSubscription& base,
                                             const EventSubscriptionPatch& patch, InvalidParams& errs);

}  // namespace capif::model
