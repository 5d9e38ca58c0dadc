// Request bodies against the bundled TS 29.222 OpenAPI schemas (include/capif/model/schema.hpp).
#include "capif/model/schema.hpp"

#include <gtest/gtest.h>

#include <string>

namespace capif::model::schema {
namespace {

using nlohmann::json;

InvalidParams errors_of(const json& body, Ref r, Body kind = Body::request) {
  InvalidParams errs;
  validate(body, r, errs, kind);
  return errs;
}

// "param: reason" lines, for readable failures.
std::string dump(const InvalidParams& errs) {
  std::string out;
  for (const auto& e : errs) out += e.param + ": " + e.reason + "\n";
  return out;
}

bool names(const InvalidParams& errs, const std::string& param, const std::string& reason_part = "") {
  for (const auto& e : errs)
    if (e.param == param && e.reason.find(reason_part) != std::string::npos) return true;
  return false;
}

json api() {
  return {{"apiName", "weather"},
          {"aefProfiles",
           {{{"aefId", "AEF1"},
             {"versions", {{{"apiVersion", "v1"}}}},
             {"interfaceDescriptions", {{{"ipv4Addr", "10.0.0.1"}, {"port", 8443}}}},
             {"securityMethods", {"PSK", "OAUTH"}}}}},
          {"supportedFeatures", "0"}};
}

TEST(Schema, EveryRequestSchemaOfTheDaemonsIsInTheBundle) {
  for (Ref r : {kServiceAPIDescription, kServiceAPIDescriptionPatch, kAPIInvokerEnrolmentDetails,
                kAPIInvokerEnrolmentDetailsPatch, kAPIProviderEnrolmentDetails,
                kAPIProviderEnrolmentDetailsPatch, kEventSubscription, kEventSubscriptionPatch,
                kEventNotification, kInvocationLog, kServiceSecurity, kSecurityNotification, kRoutingInfo,
                kCheckAuthenticationReq, kRevokeAuthorizationReq, kOnboardingNotification}) {
    InvalidParams errs;
    EXPECT_NO_THROW(validate(json::object(), r, errs)) << r.name;
  }
  InvalidParams errs;
  EXPECT_THROW(validate(json::object(), Ref{"TS29222_CAPIF_Publish_Service_API", "NoSuchSchema"}, errs),
               std::logic_error);
}

TEST(Schema, AValidServiceApiDescriptionPasses) {
  auto errs = errors_of(api(), kServiceAPIDescription);
  EXPECT_TRUE(errs.empty()) << dump(errs);
}

TEST(Schema, EveryBadFieldIsNamedByItsPointer) {
  auto body = api();
  body.erase("apiName");
  body["aefProfiles"][0]["versions"] = "v1";
  body["aefProfiles"][0]["interfaceDescriptions"][0]["port"] = 70000;
  body["supportedFeatures"] = "xyz";
  auto errs = errors_of(body, kServiceAPIDescription);
  EXPECT_TRUE(names(errs, "/apiName", "is required")) << dump(errs);
  EXPECT_TRUE(names(errs, "/aefProfiles/0/versions", "must be an array")) << dump(errs);
  EXPECT_TRUE(names(errs, "/aefProfiles/0/interfaceDescriptions/0/port", "<= 65535")) << dump(errs);
  EXPECT_TRUE(names(errs, "/supportedFeatures", "pattern")) << dump(errs);
  EXPECT_EQ(errs.size(), 4u) << dump(errs);
}

TEST(Schema, OneOfNeedsExactlyOneAlternative) {
  auto body = api();
  body["aefProfiles"][0]["domainName"] = "aef.example.org";  // and interfaceDescriptions: both
  EXPECT_TRUE(names(errors_of(body, kServiceAPIDescription), "/aefProfiles/0",
                    "must have exactly one of domainName, interfaceDescriptions"));
  body["aefProfiles"][0].erase("domainName");
  body["aefProfiles"][0].erase("interfaceDescriptions");  // neither
  auto errs = errors_of(body, kServiceAPIDescription);
  EXPECT_TRUE(names(errs, "/aefProfiles/0", "domainName is required; or interfaceDescriptions is required"))
      << dump(errs);
}

TEST(Schema, CommonDataTypesKeepTheirConstraints) {
  auto body = api();
  body["aefProfiles"][0]["interfaceDescriptions"][0] = {{"fqdn", "x"}};  // TS 29.571 Fqdn: 4..253, pattern
  auto errs = errors_of(body, kServiceAPIDescription);
  EXPECT_TRUE(names(errs, "/aefProfiles/0/interfaceDescriptions/0/fqdn", "at least 4")) << dump(errs);
  EXPECT_TRUE(names(errs, "/aefProfiles/0/interfaceDescriptions/0/fqdn", "pattern")) << dump(errs);
  body["aefProfiles"][0]["interfaceDescriptions"][0]["fqdn"] = "aef.example.org";
  errs = errors_of(body, kServiceAPIDescription);
  EXPECT_TRUE(errs.empty()) << dump(errs);
}

TEST(Schema, ExtensibleEnumerationsTakeNewStringsButNotOtherTypes) {
  json log = {{"aefId", "AEF1"},
              {"apiInvokerId", "INV1"},
              {"logs",
               {{{"apiId", "a"},
                 {"apiName", "weather"},
                 {"apiVersion", "v1"},
                 {"resourceName", "r"},
                 {"protocol", "HTTP_4"},  // not in the Rel-18 enumeration: forward compatible
                 {"result", "200"},
                 {"invocationTime", "2026-11-28T10:00:00Z"}}}}};
  auto errs = errors_of(log, kInvocationLog);
  EXPECT_TRUE(errs.empty()) << dump(errs);
  log["logs"][0]["protocol"] = 5;
  log["logs"][0]["invocationTime"] = "yesterday";
  errs = errors_of(log, kInvocationLog);
  EXPECT_TRUE(names(errs, "/logs/0/protocol", "must be a string")) << dump(errs);
  EXPECT_TRUE(names(errs, "/logs/0/invocationTime")) << dump(errs);
}

TEST(Schema, ReadOnlyMembersAreNotRequiredInRequests) {
  json enrol = {{"onboardingInformation", {{"apiInvokerPublicKey", "PEM"}}},
                {"notificationDestination", "https://invoker.example/cb"}};
  auto errs = errors_of(enrol, kAPIInvokerEnrolmentDetails);
  EXPECT_TRUE(errs.empty()) << dump(errs);
  enrol.erase("notificationDestination");
  EXPECT_TRUE(
      names(errors_of(enrol, kAPIInvokerEnrolmentDetails), "/notificationDestination", "is required"));
}

TEST(Schema, MergePatchesTakeNullForAnyMemberButNotInsideArrays) {
  json patch = {{"aefProfiles", nullptr}, {"description", nullptr}};
  auto errs = errors_of(patch, kServiceAPIDescriptionPatch, Body::merge_patch);
  EXPECT_TRUE(errs.empty()) << dump(errs);
  // The same nulls in a full body are wrong types; inside an array (replaced whole) too.
  EXPECT_FALSE(errors_of(json{{"apiName", "x"}, {"description", nullptr}}, kServiceAPIDescription).empty());
  patch = {{"aefProfiles", {nullptr}}};
  EXPECT_TRUE(names(errors_of(patch, kServiceAPIDescriptionPatch, Body::merge_patch), "/aefProfiles/0"));
}

TEST(Schema, DiscriminatorPicksTheGeographicShape) {
  auto body = api();
  body["aefProfiles"][0]["aefLocation"] = {{"geoArea", {{"shape", "POINT"}}}};
  auto errs = errors_of(body, kServiceAPIDescription);
  EXPECT_TRUE(names(errs, "/aefProfiles/0/aefLocation/geoArea/point", "is required")) << dump(errs);
  body["aefProfiles"][0]["aefLocation"]["geoArea"]["point"] = {{"lon", 10.5}, {"lat", 50.1}};
  errs = errors_of(body, kServiceAPIDescription);
  EXPECT_TRUE(errs.empty()) << dump(errs);
  body["aefProfiles"][0]["aefLocation"]["geoArea"]["point"]["lat"] = 91;
  EXPECT_TRUE(names(errors_of(body, kServiceAPIDescription), "/aefProfiles/0/aefLocation/geoArea/point/lat"));
}

TEST(Schema, SecurityNotificationNeedsItsCause) {
  json n = {{"apiInvokerId", "INV1"}, {"apiIds", json::array()}};
  auto errs = errors_of(n, kSecurityNotification);
  EXPECT_TRUE(names(errs, "/cause", "is required")) << dump(errs);
  EXPECT_TRUE(names(errs, "/apiIds", "at least 1")) << dump(errs);
}

TEST(Schema, AHugeStringAgainstAPatternIsRefusedWithoutRunningIt) {
  auto body = api();
  body["supportedFeatures"] = std::string(1 << 20, 'A');
  EXPECT_TRUE(names(errors_of(body, kServiceAPIDescription), "/supportedFeatures", "pattern"));
}

TEST(Schema, HugeAndFractionalNumbersAreNotIntegers) {
  auto body = api();
  for (json port : {json(1e300), json(-1e300), json(443.5)}) {
    body["aefProfiles"][0]["interfaceDescriptions"][0]["port"] = port;
    EXPECT_TRUE(names(errors_of(body, kServiceAPIDescription), "/aefProfiles/0/interfaceDescriptions/0/port",
                      "must be an integer"))
        << port.dump();
  }
  body["aefProfiles"][0]["interfaceDescriptions"][0]["port"] = 443.0;  // the same number as 443
  EXPECT_TRUE(errors_of(body, kServiceAPIDescription).empty());
}

TEST(Schema, TheRootMustBeAnObject) {
  EXPECT_TRUE(names(errors_of(json::array(), kEventSubscription), "", "must be an object"));
  EXPECT_TRUE(names(errors_of(nullptr, kEventSubscriptionPatch, Body::merge_patch), "", "must be an object"));
}

}  // namespace
}  // namespace capif::model::schema
