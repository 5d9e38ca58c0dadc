// Models of the CAPIF security APIs: round trips, validation errors with JSON pointers, the form-encoded
// token request, the scope grammar, auditing queries.
#include "capif/model/access_control_policy_api.hpp"
#include "capif/model/aef_security_api.hpp"
#include "capif/model/auditing_api.hpp"
#include "capif/model/logging_api.hpp"
#include "capif/model/security_api.hpp"

#include <gtest/gtest.h>

using namespace capif;
using namespace capif::model;
using nlohmann::json;

namespace {

template <class T>
std::optional<T> parse(const json& j, InvalidParams& errs) {
  return parse_body<T>(j, errs);
}

bool has_param(const InvalidParams& errs, const std::string& p) {
  for (const auto& e : errs)
    if (e.param == p) return true;
  return false;
}

template <class T>
void expect_round_trip(const json& j) {
  InvalidParams errs;
  auto v = parse<T>(j, errs);
  ASSERT_TRUE(v) << (errs.empty() ? "" : errs.front().param + " " + errs.front().reason);
  EXPECT_EQ(to_json(*v), j);
}

const json kServiceSecurity = json::parse(R"({
  "securityInfo": [
    {"interfaceDetails": {"ipv4Addr": "10.0.0.1", "port": 8443, "apiPrefix": "/a",
                          "securityMethods": ["PSK"]},
     "prefSecurityMethods": ["PSK", "OAUTH"], "selSecurityMethod": "PSK"},
    {"aefId": "AEF1", "apiId": "API1", "prefSecurityMethods": ["PKI"], "authenticationInfo": "x",
     "authorizationInfo": "{}", "authorizationFlow": ["CLIENT_CREDENTIALS_FLOW"]}],
  "notificationDestination": "https://invoker.example/notify",
  "requestTestNotification": true,
  "websockNotifConfig": {"requestWebsocketUri": true},
  "supportedFeatures": "1"})");

}  // namespace

TEST(SecurityModel, ServiceSecurityRoundTrips) {
  expect_round_trip<ServiceSecurity>(kServiceSecurity);
}

TEST(SecurityModel, SecurityInformationNeedsExactlyOneOfInterfaceDetailsAndAefId) {
  auto both = kServiceSecurity;
  both["securityInfo"][0]["aefId"] = "AEF1";
  InvalidParams errs;
  EXPECT_FALSE(parse<ServiceSecurity>(both, errs));
  EXPECT_TRUE(has_param(errs, "/securityInfo/0"));

  auto none = kServiceSecurity;
  none["securityInfo"][1].erase("aefId");
  errs.clear();
  EXPECT_FALSE(parse<ServiceSecurity>(none, errs));
  EXPECT_TRUE(has_param(errs, "/securityInfo/1"));
}

TEST(SecurityModel, PrefSecurityMethodsAndSecurityInfoNeedItems) {
  auto j = kServiceSecurity;
  j["securityInfo"][0]["prefSecurityMethods"] = json::array();
  j["securityInfo"][1].erase("prefSecurityMethods");
  InvalidParams errs;
  EXPECT_FALSE(parse<ServiceSecurity>(j, errs));
  EXPECT_TRUE(has_param(errs, "/securityInfo/0/prefSecurityMethods"));
  EXPECT_TRUE(has_param(errs, "/securityInfo/1/prefSecurityMethods"));

  errs.clear();
  EXPECT_FALSE(parse<ServiceSecurity>(json{{"securityInfo", json::array()}}, errs));
  EXPECT_TRUE(has_param(errs, "/securityInfo"));
  EXPECT_TRUE(has_param(errs, "/notificationDestination"));
}

TEST(SecurityModel, SecurityNotificationValidation) {
  expect_round_trip<SecurityNotification>(json{
      {"apiInvokerId", "INV1"}, {"aefId", "AEF1"}, {"apiIds", {"A", "B"}}, {"cause", "OVERLIMIT_USAGE"}});
  InvalidParams errs;
  EXPECT_FALSE(parse<SecurityNotification>(json{{"apiInvokerId", "INV1"}, {"apiIds", json::array()}}, errs));
  EXPECT_TRUE(has_param(errs, "/apiIds"));
  EXPECT_TRUE(has_param(errs, "/cause"));
}

TEST(SecurityModel, AccessTokenRspAndErr) {
  expect_round_trip<AccessTokenRsp>(
      json{{"access_token", "a.b.c"}, {"token_type", "Bearer"}, {"expires_in", 600}, {"scope", "3gpp#A:x"}});
  InvalidParams errs;
  EXPECT_FALSE(parse<AccessTokenRsp>(json{{"access_token", "t"}, {"token_type", "MAC"}}, errs));
  EXPECT_TRUE(has_param(errs, "/token_type"));
  EXPECT_TRUE(has_param(errs, "/expires_in"));
  expect_round_trip<AccessTokenErr>(json{{"error", "invalid_scope"}, {"error_description", "no"}});
  errs.clear();
  EXPECT_FALSE(parse<AccessTokenErr>(json::object(), errs));
  EXPECT_TRUE(has_param(errs, "/error"));
}

TEST(SecurityModel, AccessTokenReqForm) {
  std::string why;
  auto r = parse_access_token_req(
      "grant_type=client_credentials&client_id=INV1&client_secret=a%2Bb+c&scope=3gpp%23AEF1%3Aapi1&x=y", why);
  ASSERT_TRUE(r) << why;
  EXPECT_EQ(r->grant_type, "client_credentials");
  EXPECT_EQ(r->client_id, "INV1");
  EXPECT_EQ(r->client_secret, "a+b c");
  EXPECT_EQ(r->scope, "3gpp#AEF1:api1");

  EXPECT_FALSE(parse_access_token_req("client_id=INV1", why));
  EXPECT_NE(why.find("grant_type"), std::string::npos);
  EXPECT_FALSE(parse_access_token_req("grant_type=client_credentials", why));
  EXPECT_NE(why.find("client_id"), std::string::npos);
  EXPECT_FALSE(parse_access_token_req("grant_type=client_credentials&client_id=A&client_id=B", why));
  EXPECT_NE(why.find("repeated"), std::string::npos);
  EXPECT_FALSE(parse_access_token_req("grant_type=client_credentials&client_id=%zz", why));
  EXPECT_FALSE(parse_access_token_req("grant_type=client_credentials&client_id=%4", why));
  EXPECT_FALSE(parse_access_token_req("", why));
}

TEST(SecurityModel, ScopeGrammar) {
  std::string why;
  auto s = parse_scope("3gpp#aef1:api1,api2;aef2:api3", why);
  ASSERT_TRUE(s) << why;
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0], (ScopeEntry{"aef1", {"api1", "api2"}}));
  EXPECT_EQ((*s)[1], (ScopeEntry{"aef2", {"api3"}}));
  EXPECT_EQ(format_scope(*s), "3gpp#aef1:api1,api2;aef2:api3");

  // A repeated apiName collapses; the printed form is canonical.
  auto dup = parse_scope("3gpp#aef1:api1,api1", why);
  ASSERT_TRUE(dup);
  EXPECT_EQ(format_scope(*dup), "3gpp#aef1:api1");

  for (const char* bad :
       {"", "3gpp#", "aef1:api1", "3GPP#aef1:api1", "3gpp#aef1", "3gpp#:api1",
        "3gpp#aef1:", "3gpp#aef1:api1,", "3gpp#aef1:,api1", "3gpp#aef1:api1;", "3gpp#aef1:api1;;aef2:x",
        "3gpp#aef1:api 1", "3gpp#aef1:api1;aef1:api2", "3gpp#aef1:a:b", "3gpp#aef1:api1#"}) {
    EXPECT_FALSE(parse_scope(bad, why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}

TEST(AccessControlPolicyModel, RoundTripAndValidation) {
  expect_round_trip<AccessControlPolicyList>(json::parse(R"({"apiInvokerPolicies": [
    {"apiInvokerId": "INV1", "allowedTotalInvocations": 10, "allowedInvocationsPerSecond": 2,
     "allowedInvocationTimeRangeList": [{"startTime": "2025-01-01T08:00:00Z", "stopTime": "2025-01-01T18:00:00Z"}]},
    {"apiInvokerId": "INV2"}]})"));
  expect_round_trip<AccessControlPolicyList>(json{{"apiInvokerPolicies", json::array()}});
  InvalidParams errs;
  EXPECT_FALSE(
      parse<AccessControlPolicyList>(json::parse(R"({"apiInvokerPolicies": [{"allowedTotalInvocations": -1,
                      "allowedInvocationTimeRangeList": [{"startTime": "yesterday"}]}]})"),
                                     errs));
  EXPECT_TRUE(has_param(errs, "/apiInvokerPolicies/0/apiInvokerId"));
  EXPECT_TRUE(has_param(errs, "/apiInvokerPolicies/0/allowedTotalInvocations"));
  EXPECT_TRUE(has_param(errs, "/apiInvokerPolicies/0/allowedInvocationTimeRangeList/0/startTime"));
}

namespace {
json a_log() {
  return json::parse(R"({"apiId": "API1", "apiName": "weather", "apiVersion": "v1", "resourceName": "items",
    "uri": "/weather/v1/items", "protocol": "HTTP_1_1", "operation": "GET", "result": "200",
    "invocationTime": "2025-01-01T10:00:00Z", "invocationLatency": 12,
    "inputParameters": {"q": 1}, "outputParameters": [1, 2],
    "srcInterface": {"ipv4Addr": "10.0.0.9"}, "destInterface": {"fqdn": "aef.example.com", "port": 443},
    "fwdInterface": "192.0.2.43:80"})");
}
}  // namespace

TEST(LoggingModel, RoundTripAndValidation) {
  expect_round_trip<InvocationLog>(json{{"aefId", "AEF1"},
                                        {"apiInvokerId", "INV1"},
                                        {"logs", json::array({a_log()})},
                                        {"supportedFeatures", "0"}});
  auto bad = a_log();
  bad.erase("result");
  bad["invocationLatency"] = -5;
  bad["invocationTime"] = "10:00";
  InvalidParams errs;
  EXPECT_FALSE(parse<InvocationLog>(json{{"aefId", "AEF1"}, {"logs", json::array({bad})}}, errs));
  EXPECT_TRUE(has_param(errs, "/apiInvokerId"));
  EXPECT_TRUE(has_param(errs, "/logs/0/result"));
  EXPECT_TRUE(has_param(errs, "/logs/0/invocationLatency"));
  EXPECT_TRUE(has_param(errs, "/logs/0/invocationTime"));
  errs.clear();
  EXPECT_FALSE(
      parse<InvocationLog>(json{{"aefId", "A"}, {"apiInvokerId", "I"}, {"logs", json::array()}}, errs));
  EXPECT_TRUE(has_param(errs, "/logs"));
}

TEST(AuditingModel, DateTimes) {
  EXPECT_EQ(date_time_to_unix("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(date_time_to_unix("2025-01-01T10:00:00Z"), 1735725600);
  EXPECT_EQ(date_time_to_unix("2025-01-01T12:00:00.75+02:00"), 1735725600);
  EXPECT_EQ(date_time_to_unix("2025-01-01T08:30:00-01:30"), 1735725600);
  EXPECT_FALSE(date_time_to_unix("2025-02-30T00:00:00Z"));
  EXPECT_EQ(unix_to_date_time(1735725600), "2025-01-01T10:00:00Z");
}

TEST(AuditingModel, QueryParsingAndMatching) {
  InvalidParams errs;
  auto q = parse_invocation_logs_query({{"aef-id", "AEF1"},
                                        {"time-range-start", "2025-01-01T09:00:00Z"},
                                        {"time-range-end", "2025-01-01T11:00:00Z"},
                                        {"api-name", "weather"},
                                        {"operation", "GET"},
                                        {"dest-interface", R"({"fqdn": "aef.example.com", "port": 443})"}},
                                       errs);
  ASSERT_TRUE(q) << errs.front().param;
  EXPECT_EQ(q->aefId, "AEF1");
  InvalidParams e2;
  Log log;
  ASSERT_TRUE(from_json(a_log(), log, "", e2));
  EXPECT_TRUE(matches(*q, log, 0));
  auto later = log;
  later.invocationTime = "2025-01-01T11:00:01Z";
  EXPECT_FALSE(matches(*q, later, 0));
  auto post = log;
  post.operation = "POST";
  EXPECT_FALSE(matches(*q, post, 0));
  auto no_time = log;
  no_time.invocationTime.reset();  // falls back to the time the CCF received it
  EXPECT_TRUE(matches(*q, no_time, 1735725600));
  EXPECT_FALSE(matches(*q, no_time, 1735725600 + 7200));

  errs.clear();
  EXPECT_FALSE(parse_invocation_logs_query({{"aef-id", "A"},
                                            {"aef-id", "B"},
                                            {"time-range-start", "noon"},
                                            {"api-nam", "x"},
                                            {"src-interface", "{"}},
                                           errs));
  EXPECT_TRUE(has_param(errs, "aef-id"));
  EXPECT_TRUE(has_param(errs, "time-range-start"));
  EXPECT_TRUE(has_param(errs, "api-nam"));
  EXPECT_TRUE(has_param(errs, "src-interface"));
  errs.clear();
  EXPECT_FALSE(parse_invocation_logs_query(
      {{"time-range-start", "2025-01-02T00:00:00Z"}, {"time-range-end", "2025-01-01T00:00:00Z"}}, errs));
  EXPECT_TRUE(has_param(errs, "time-range-end"));
}

TEST(AuditingModel, InvocationLogsNeedsOne) {
  expect_round_trip<InvocationLogs>(
      json{{"multipleInvocationLogs",
            json::array({{{"aefId", "A"}, {"apiInvokerId", "I"}, {"logs", json::array({a_log()})}}})}});
  InvalidParams errs;
  EXPECT_FALSE(parse<InvocationLogs>(json{{"multipleInvocationLogs", json::array()}}, errs));
  EXPECT_TRUE(has_param(errs, "/multipleInvocationLogs"));
}

TEST(AefSecurityModel, RoundTripsAndValidation) {
  expect_round_trip<CheckAuthenticationReq>(json{{"apiInvokerId", "INV1"}, {"supportedFeatures", "0"}});
  expect_round_trip<CheckAuthenticationRsp>(json{{"supportedFeatures", "0"}});
  expect_round_trip<RevokeAuthorizationReq>(json{
      {"revokeInfo",
       {{"apiInvokerId", "INV1"}, {"aefId", "AEF1"}, {"apiIds", {"API1"}}, {"cause", "UNEXPECTED_REASON"}}},
      {"supportedFeatures", "0"}});
  expect_round_trip<RevokeAuthorizationRsp>(json{{"supportedFeatures", "0"}});
  InvalidParams errs;
  EXPECT_FALSE(parse<RevokeAuthorizationReq>(json{{"revokeInfo", {{"apiInvokerId", "INV1"}}}}, errs));
  EXPECT_TRUE(has_param(errs, "/revokeInfo/apiIds"));
  EXPECT_TRUE(has_param(errs, "/revokeInfo/cause"));
  EXPECT_TRUE(has_param(errs, "/supportedFeatures"));
  errs.clear();
  EXPECT_FALSE(
      parse<CheckAuthenticationReq>(json{{"apiInvokerId", "I"}, {"supportedFeatures", "xyz"}}, errs));
  EXPECT_TRUE(has_param(errs, "/supportedFeatures"));
}
