// What the real capif-ccf sends on the wire matches the TS 29.222 OpenAPI schemas (the 3GPP files in
// third_party/3gpp-openapi): one pass over every API, each response body — and the notifications a real
// callback server receives — checked with model::schema in response mode (readOnly members required).
#include "capif/http/uri.hpp"
#include "capif/model/schema.hpp"
#include "capif_parties.hpp"
#include "capture_server.hpp"

#include <gtest/gtest.h>

using namespace capif::testing;
namespace schema = capif::model::schema;

namespace {

// Checks one body against a schema and says which fields are off.
void expect_schema(const json& body, schema::Ref ref) {
  capif::InvalidParams errs;
  schema::validate(body, ref, errs, schema::Body::response);
  std::string why;
  for (const auto& e : errs) why += "  " + e.param + ": " + e.reason + "\n";
  EXPECT_TRUE(errs.empty()) << ref.name << " does not match its schema:\n" << why << body.dump();
}

json ok_json(const capif::http::ClientResponse& r, int status) {
  EXPECT_EQ(r.status, status) << r.body << r.error;
  return body_json(r);
}

constexpr schema::Ref kDiscoveredAPIs{"TS29222_CAPIF_Discover_Service_API", "DiscoveredAPIs"};
constexpr schema::Ref kAccessTokenRsp{"TS29222_CAPIF_Security_API", "AccessTokenRsp"};
constexpr schema::Ref kAccessControlPolicyList{"TS29222_CAPIF_Access_Control_Policy_API",
                                               "AccessControlPolicyList"};
constexpr schema::Ref kInvocationLogsRetrieveRes{"TS29222_CAPIF_Auditing_API", "InvocationLogsRetrieveRes"};

TEST(WireSchema, EveryResponseAndNotificationMatchesTs29222) {
  CcfProcess ccf;
  ccf.start();
  CaptureServer callback;
  const auto cb = "http://127.0.0.1:" + std::to_string(callback.port()) + "/cb/events/amf";

  auto prov = register_provider(ccf);
  expect_schema(prov.registration, schema::kAPIProviderEnrolmentDetails);

  // Events: a subscription of the AMF, answered and then notified.
  json sub = {{"events", {"SERVICE_API_AVAILABLE", "API_INVOKER_ONBOARDED"}},
              {"notificationDestination", cb},
              {"supportedFeatures", "5"}};
  expect_schema(ok_json(send_json(*prov.amf.client, "POST",
                                  ccf.api_root() + "/capif-events/v1/" + prov.amf.id + "/subscriptions", sub),
                        201),
                schema::kEventSubscription);

  auto api = publish(ccf, prov, service_api_body("weather", prov.aef.id));
  expect_schema(api, schema::kServiceAPIDescription);
  const std::string api_id = api["apiId"];
  auto listed = ok_json(send(*prov.apf.client, "GET", published_url(ccf, prov.apf.id)), 200);
  ASSERT_TRUE(listed.is_array() && !listed.empty()) << listed.dump();
  for (const auto& a : listed) expect_schema(a, schema::kServiceAPIDescription);

  auto inv = onboard_invoker(ccf);
  expect_schema(inv.enrolment, schema::kAPIInvokerEnrolmentDetails);
  expect_schema(ok_json(send(*inv.client, "GET", discover_url(ccf, inv.id)), 200), kDiscoveredAPIs);

  // Security: negotiation, what the AEF reads, a token.
  const auto trusted = ccf.api_root() + "/capif-security/v1/trustedInvokers/" + inv.id;
  json security = {{"securityInfo", {{{"aefId", prov.aef.id}, {"prefSecurityMethods", {"OAUTH", "PKI"}}}}},
                   {"notificationDestination", "http://127.0.0.1:1/n"},
                   {"supportedFeatures", "0"}};
  expect_schema(ok_json(send_json(*inv.client, "PUT", trusted, security), 201), schema::kServiceSecurity);
  expect_schema(
      ok_json(send(*prov.aef.client, "GET", trusted + "?authenticationInfo=true&authorizationInfo=true"),
              200),
      schema::kServiceSecurity);
  auto token =
      send(*inv.client, "POST", ccf.api_root() + "/capif-security/v1/securities/" + inv.id + "/token",
           "grant_type=client_credentials&client_id=" + inv.id + "&client_secret=" + inv.onboarding_secret +
               "&scope=" + capif::http::percent_encode("3gpp#" + prov.aef.id + ":weather"),
           "application/x-www-form-urlencoded");
  expect_schema(ok_json(token, 200), kAccessTokenRsp);

  // Access control policy, invocation logs and their audit.
  expect_schema(ok_json(send(*prov.aef.client, "GET",
                             ccf.api_root() + "/access-control-policy/v1/accessControlPolicyList/" + api_id +
                                 "?aef-id=" + prov.aef.id),
                        200),
                kAccessControlPolicyList);
  json log = {{"aefId", prov.aef.id},
              {"apiInvokerId", inv.id},
              {"logs",
               {{{"apiId", api_id},
                 {"apiName", "weather"},
                 {"apiVersion", "v1"},
                 {"resourceName", "items"},
                 {"protocol", "HTTP_1_1"},
                 {"operation", "GET"},
                 {"result", "200"},
                 {"invocationTime", "2026-11-28T10:00:00Z"}}}}};
  expect_schema(ok_json(send_json(*prov.aef.client, "POST",
                                  ccf.api_root() + "/api-invocation-logs/v1/" + prov.aef.id + "/logs", log),
                        201),
                schema::kInvocationLog);
  expect_schema(ok_json(send(*prov.amf.client, "GET",
                             ccf.api_root() + "/logs/v1/apiInvocationLogs?aef-id=" + prov.aef.id),
                        200),
                kInvocationLogsRetrieveRes);

  // The notifications the subscription caused: SERVICE_API_AVAILABLE and API_INVOKER_ONBOARDED.
  auto got = callback.wait_for(2, std::chrono::seconds(10));
  ASSERT_GE(got.size(), 2u);
  for (const auto& n : got) expect_schema(json::parse(n.body), schema::kEventNotification);
}

}  // namespace
