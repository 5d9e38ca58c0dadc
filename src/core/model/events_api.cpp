#include "capif/model/events_api.hpp"

#include <algorithm>

namespace capif::model {
namespace {
const char* check_notif_method(std::string_view s) {
  return s == "PERIODIC" || s == "ONE_TIME" || s == "ON_EVENT_DETECTION"
             ? nullptr
             : "must be PERIODIC, ONE_TIME or ON_EVENT_DETECTION";
}

const char* check_event(std::string_view s) {
  const auto& known = supported_capif_events();
  if (std::find(known.begin(), known.end(), s) != known.end()) return nullptr;
  return "is not a CAPIFEvent this CCF reports";
}

// CAPIFEvent strings one by one, so that a bad one is named by its index.
void read_events(JsonReader& r, const nlohmann::json& j, std::vector<CAPIFEvent>& out) {
  if (!r.has("events")) return;
  if (!r.parse_array(j.at("events"), out, r.at("events"), 1)) return;
  for (std::size_t i = 0; i < out.size(); ++i)
    if (const char* why = check_event(out[i])) r.fail(child_pointer(r.at("events"), i), why);
}
}  // namespace

const std::vector<std::string>& supported_capif_events() {
  static const std::vector<std::string> events{"SERVICE_API_AVAILABLE",
                                               "SERVICE_API_UNAVAILABLE",
                                               "SERVICE_API_UPDATE",
                                               "API_INVOKER_ONBOARDED",
                                               "API_INVOKER_OFFBOARDED",
                                               "API_INVOKER_UPDATED",
                                               "SERVICE_API_INVOCATION_SUCCESS",
                                               "SERVICE_API_INVOCATION_FAILURE",
                                               "ACCESS_CONTROL_POLICY_UPDATE",
                                               "ACCESS_CONTROL_POLICY_UNAVAILABLE",
                                               "API_INVOKER_AUTHORIZATION_REVOKED",
                                               "API_TOPOLOGY_HIDING_CREATED",
                                               "API_TOPOLOGY_HIDING_REVOKED"};
  return events;
}

bool from_json(const nlohmann::json& j, CAPIFEventFilter& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("apiIds", out.apiIds, 1);
  r.opt("apiInvokerIds", out.apiInvokerIds, 1);
  r.opt("aefIds", out.aefIds, 1);
  return r.ok();
}

bool from_json(const nlohmann::json& j, ReportingInformation& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("immRep", out.immRep);
  r.opt("notifMethod", out.notifMethod, check_notif_method);
  r.opt_int("maxReportNbr", out.maxReportNbr, 0, std::numeric_limits<std::uint32_t>::max());
  r.opt("monDur", out.monDur, check_date_time);
  r.opt_int("repPeriod", out.repPeriod, 0, std::numeric_limits<std::uint32_t>::max());
  return r.ok();
}

bool from_json(const nlohmann::json& j, WebsockNotifConfig& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.opt("websocketUri", out.websocketUri, check_uri);
  r.opt("requestWebsocketUri", out.requestWebsocketUri);
  return r.ok();
}

bool from_json(const nlohmann::json& j, EventSubscription& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  if (!r.has("events")) r.req("events", out.events, 1);  // reports "is required"
  read_events(r, j, out.events);
  r.opt("eventFilters", out.eventFilters, 1);
  r.opt("eventReq", out.eventReq);
  r.req("notificationDestination", out.notificationDestination, check_uri);
  r.opt("requestTestNotification", out.requestTestNotification);
  r.opt("websockNotifConfig", out.websockNotifConfig);
  r.opt("supportedFeatures", out.supportedFeatures, check_supported_features);
  return r.ok();
}

bool from_json(const nlohmann::json& j, EventSubscriptionPatch& out, const std::string& pointer,
               InvalidParams& errs) {
  JsonReader r(j, pointer, errs);
  if (!r.is_object()) return false;
  r.patch("events", out.events, 1);
  if (out.events.value)
    for (std::size_t i = 0; i < out.events.value->size(); ++i)
      if (const char* why = check_event((*out.events.value)[i]))
        r.fail(child_pointer(r.at("events"), i), why);
  r.patch("eventFilters", out.eventFilters, 1);
  r.patch("eventReq", out.eventReq);
  r.patch("notificationDestination", out.notificationDestination, check_uri);
  return r.ok();
}

nlohmann::json to_json(const CAPIFEventFilter& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "apiIds", v.apiIds);
  put(j, "apiInvokerIds", v.apiInvokerIds);
  put(j, "aefIds", v.aefIds);
  return j;
}

nlohmann::json to_json(const ReportingInformation& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "immRep", v.immRep);
  put(j, "notifMethod", v.notifMethod);
  put(j, "maxReportNbr", v.maxReportNbr);
  put(j, "monDur", v.monDur);
  put(j, "repPeriod", v.repPeriod);
  return j;
}

nlohmann::json to_json(const WebsockNotifConfig& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "websocketUri", v.websocketUri);
  put(j, "requestWebsocketUri", v.requestWebsocketUri);
  return j;
}

nlohmann::json to_json(const EventSubscription& v) {
  nlohmann::json j{{"events", to_json(v.events)}, {"notificationDestination", v.notificationDestination}};
  put(j, "eventFilters", v.eventFilters);
  put(j, "eventReq", v.eventReq);
  put(j, "requestTestNotification", v.requestTestNotification);
  put(j, "websockNotifConfig", v.websockNotifConfig);
  put(j, "supportedFeatures", v.supportedFeatures);
  return j;
}

nlohmann::json to_json(const EventSubscriptionPatch& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "events", v.events);
  put(j, "eventFilters", v.eventFilters);
  put(j, "eventReq", v.eventReq);
  put(j, "notificationDestination", v.notificationDestination);
  return j;
}

nlohmann::json to_json(const AccessControlPolicyListExt& v) {
  nlohmann::json j = to_json(v.list);
  j["apiId"] = v.apiId;
  return j;
}

nlohmann::json to_json(const TopologyHiding& v) {
  return {{"apiId", v.apiId}, {"routingRules", to_json(v.routingRules)}};
}

nlohmann::json to_json(const CAPIFEventDetail& v) {
  nlohmann::json j = nlohmann::json::object();
  put(j, "serviceAPIDescriptions", v.serviceAPIDescriptions);
  put(j, "apiIds", v.apiIds);
  put(j, "apiInvokerIds", v.apiInvokerIds);
  put(j, "accCtrlPolList", v.accCtrlPolList);
  put(j, "invocationLogs", v.invocationLogs);
  put(j, "apiTopoHide", v.apiTopoHide);
  return j;
}

nlohmann::json to_json(const EventNotification& v) {
  nlohmann::json j{{"subscriptionId", v.subscriptionId}, {"events", v.events}};
  put(j, "eventDetail", v.eventDetail);
  return j;
}

std::optional<EventSubscription> apply_patch(const EventSubscription& base,
                                             const EventSubscriptionPatch& patch, InvalidParams& errs) {
  auto merged = to_json(base);
  merged.merge_patch(to_json(patch));
  return parse_body<EventSubscription>(merged, errs);
}

}  // namespace capif::model
