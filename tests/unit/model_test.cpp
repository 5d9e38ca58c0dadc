#include "capif/model/api_invoker_management.hpp"
#include "capif/model/api_provider_management.hpp"
#include "capif/model/common_data.hpp"
#include "capif/model/discover_service_api.hpp"
#include "capif/model/publish_service_api.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace capif;
using namespace capif::model;
using nlohmann::json;

namespace {

json rich_service_api() {
  return json::parse(R"({
    "apiName": "3gpp-monitoring-event",
    "apiId": "api-1",
    "apiStatus": {"aefIds": ["aef-1"]},
    "aefProfiles": [
      {"aefId": "aef-1",
       "versions": [{"apiVersion": "v1", "expiry": "2030-01-31T12:00:00.5+02:00",
                     "resources": [{"resourceName": "subs", "commType": "SUBSCRIBE_NOTIFY",
                                    "uri": "/subscriptions", "operations": ["GET", "POST"],
                                    "custOperations": [{"commType": "REQUEST_RESPONSE", "custOpName": "ping"}],
                                    "description": "subscriptions"}],
                     "custOperations": [{"commType": "REQUEST_RESPONSE", "custOpName": "check",
                                         "operations": ["POST"], "description": "d"}]}],
       "protocol": "HTTP_1_1", "dataFormat": "JSON", "securityMethods": ["PKI", "OAUTH"],
       "interfaceDescriptions": [{"ipv4Addr": "10.0.0.1", "port": 8443, "apiPrefix": "/p",
                                  "securityMethods": ["PSK"]},
                                 {"fqdn": "aef.example.com", "port": 443}],
       "aefLocation": {"dcId": "dc-1"},
       "serviceKpis": {"maxReqRate": 100, "maxRestime": 20, "availability": 99, "avalComp": "2 GFLOPS",
                       "avalMem": "8 GB", "conBand": 1000},
       "ueIpRange": {"ueIpv4AddrRanges": [{"start": "192.168.0.1", "end": "192.168.0.255"}]}},
      {"aefId": "aef-2", "versions": [{"apiVersion": "v2"}], "protocol": "HTTP_2", "dataFormat": "XML",
       "domainName": "aef2.example.com:8443"}
    ],
    "description": "Monitoring",
    "supportedFeatures": "0f",
    "shareableInfo": {"isShareable": true, "capifProvDoms": ["dom-a"]},
    "serviceAPICategory": "monitoring",
    "apiSuppFeats": "A3",
    "pubApiPath": {"ccfIds": ["ccf-1"]},
    "ccfId": "ccf-1"
  })");
}

bool has_error(const InvalidParams& errs, const std::string& param, const std::string& reason_part = "") {
  return std::any_of(errs.begin(), errs.end(), [&](const InvalidParam& e) {
    return e.param == param && e.reason.find(reason_part) != std::string::npos;
  });
}

std::string dump(const InvalidParams& errs) {
  std::string s;
  for (const auto& e : errs) s += e.param + ": " + e.reason + "\n";
  return s;
}

ServiceAPIDescription parsed(const json& j) {
  InvalidParams errs;
  auto v = parse_body<ServiceAPIDescription>(j, errs);
  EXPECT_TRUE(v) << dump(errs);
  return v.value_or(ServiceAPIDescription{});
}

}  // namespace

TEST(JsonReader, EscapesPointerTokens) {
  EXPECT_EQ(pointer_token("a/b~c"), "a~1b~0c");
  EXPECT_EQ(child_pointer("/x", "a/b"), "/x/a~1b");
  EXPECT_EQ(child_pointer("/x", std::size_t{3}), "/x/3");
}

TEST(CommonData, Validators) {
  EXPECT_EQ(check_supported_features("0aF9"), nullptr);
  EXPECT_NE(check_supported_features("xyz"), nullptr);
  EXPECT_EQ(check_date_time("2024-02-29T23:59:60Z"), nullptr);
  EXPECT_NE(check_date_time("2023-02-29T00:00:00Z"), nullptr);
  EXPECT_NE(check_date_time("2024-01-01 00:00:00"), nullptr);
  EXPECT_EQ(check_ipv4("192.0.2.1"), nullptr);
  EXPECT_NE(check_ipv4("192.0.2.256"), nullptr);
  EXPECT_EQ(check_ipv6("2001:db8::1"), nullptr);
  EXPECT_NE(check_ipv6("::ffff:1.2.3.4"), nullptr);
  EXPECT_EQ(check_fqdn("aef.example.com"), nullptr);
  EXPECT_NE(check_fqdn("-bad.example"), nullptr);
  EXPECT_NE(check_uri(""), nullptr);
}

TEST(CommonData, Features) {
  EXPECT_TRUE(supports_feature("1", 1));
  EXPECT_FALSE(supports_feature("1", 2));
  EXPECT_TRUE(supports_feature("20", 6));
  EXPECT_TRUE(supports_feature("8", 4));
  EXPECT_FALSE(supports_feature("", 1));
  EXPECT_FALSE(supports_feature("zz", 1));
  EXPECT_EQ(intersect_features("0f", "A3"), "3");
  EXPECT_EQ(intersect_features("1F", "f0"), "10");
  EXPECT_EQ(intersect_features("4", "3"), "0");
  EXPECT_TRUE(has_all_features("A3", "21"));
  EXPECT_FALSE(has_all_features("A3", "4"));
  EXPECT_FALSE(has_all_features("3", "10"));
}

TEST(PublishModel, RichDocumentRoundTrips) {
  const auto in = rich_service_api();
  const auto v = parsed(in);
  EXPECT_EQ(to_json(v), in);
  ASSERT_TRUE(v.aefProfiles);
  EXPECT_EQ(v.aefProfiles->at(0).interfaceDescriptions->at(0).port, 8443);
}

TEST(PublishModel, UnknownFieldsAreDropped) {
  auto in = rich_service_api();
  in["vendorExt"] = 1;
  in["aefProfiles"][0]["foo"] = "bar";
  const auto out = to_json(parsed(in));
  EXPECT_FALSE(out.contains("vendorExt"));
  EXPECT_FALSE(out["aefProfiles"][0].contains("foo"));
}

TEST(PublishModel, ReportsEveryError) {
  auto in = rich_service_api();
  in.erase("apiName");
  in["aefProfiles"][0]["interfaceDescriptions"][1]["port"] = 70000;
  in["aefProfiles"][0]["domainName"] = "x.example.com";
  in["aefProfiles"][1]["versions"] = json::array();
  in["aefProfiles"][0]["versions"][0].erase("apiVersion");
  in["aefProfiles"][0]["versions"][0]["resources"][0].erase("uri");
  in["aefProfiles"][0]["versions"][0]["custOperations"][0].erase("custOpName");
  in["shareableInfo"].erase("isShareable");
  in["apiSuppFeats"] = "xyz";
  InvalidParams errs;
  EXPECT_FALSE(parse_body<ServiceAPIDescription>(in, errs));
  EXPECT_TRUE(has_error(errs, "/apiName", "is required")) << dump(errs);
  EXPECT_TRUE(has_error(errs, "/aefProfiles/0/interfaceDescriptions/1/port", "between 0 and 65535"));
  EXPECT_TRUE(
      has_error(errs, "/aefProfiles/0", "must be one of domainName or interfaceDescriptions, not both"));
  EXPECT_TRUE(has_error(errs, "/aefProfiles/1/versions", "at least 1"));
  EXPECT_TRUE(has_error(errs, "/aefProfiles/0/versions/0/apiVersion", "is required"));
  EXPECT_TRUE(has_error(errs, "/aefProfiles/0/versions/0/resources/0/uri", "is required"));
  EXPECT_TRUE(has_error(errs, "/aefProfiles/0/versions/0/custOperations/0/custOpName", "is required"));
  EXPECT_TRUE(has_error(errs, "/shareableInfo/isShareable", "is required"));
  EXPECT_TRUE(has_error(errs, "/apiSuppFeats", "hexadecimal"));
  EXPECT_EQ(errs.size(), 9u) << dump(errs);
}

TEST(PublishModel, OneOfConstraints) {
  json aef = {{"aefId", "a"}, {"versions", {{{"apiVersion", "v1"}}}}};
  InvalidParams errs;
  AefProfile p;
  EXPECT_FALSE(from_json(aef, p, "/p", errs));
  EXPECT_TRUE(has_error(errs, "/p", "one of domainName or interfaceDescriptions is required"));

  errs.clear();
  InterfaceDescription d;
  EXPECT_FALSE(from_json(json{{"ipv4Addr", "10.0.0.1"}, {"fqdn", "a.example.com"}}, d, "/i", errs));
  EXPECT_TRUE(has_error(errs, "/i", "only one of ipv4Addr, ipv6Addr or fqdn"));
  errs.clear();
  EXPECT_FALSE(from_json(json{{"port", 1}}, d, "/i", errs));
  EXPECT_TRUE(has_error(errs, "/i", "is required"));
  errs.clear();
  EXPECT_FALSE(from_json(json{{"ipv4Addr", "10.0.0.300"}}, d, "/i", errs));
  EXPECT_TRUE(has_error(errs, "/i/ipv4Addr", "IPv4"));
}

TEST(PublishModel, WrongTypesNameTheField) {
  auto in = rich_service_api();
  in["apiName"] = 42;
  in["aefProfiles"][0]["versions"] = json::object();
  in["aefProfiles"][1]["securityMethods"] = json::array({"PKI", 7});
  in["aefProfiles"][1]["aefLocation"] = "here";
  in["shareableInfo"]["isShareable"] = "yes";
  in["aefProfiles"][0]["interfaceDescriptions"][0]["port"] = "80";
  InvalidParams errs;
  EXPECT_FALSE(parse_body<ServiceAPIDescription>(in, errs));
  EXPECT_TRUE(has_error(errs, "/apiName", "must be a string")) << dump(errs);
  EXPECT_TRUE(has_error(errs, "/aefProfiles/0/versions", "must be an array"));
  EXPECT_TRUE(has_error(errs, "/aefProfiles/1/securityMethods/1", "must be a string"));
  EXPECT_TRUE(has_error(errs, "/aefProfiles/1/aefLocation", "must be an object"));
  EXPECT_TRUE(has_error(errs, "/shareableInfo/isShareable", "must be a boolean"));
  EXPECT_TRUE(has_error(errs, "/aefProfiles/0/interfaceDescriptions/0/port", "must be an integer"));

  errs.clear();
  EXPECT_FALSE(parse_body<ServiceAPIDescription>(json::array(), errs));
  EXPECT_TRUE(has_error(errs, "", "must be an object"));
}

TEST(PublishModel, UnknownEnumStringsAreAccepted) {
  auto in = rich_service_api();
  in["aefProfiles"][0]["protocol"] = "HTTP_3";
  in["aefProfiles"][0]["dataFormat"] = "CBOR";
  in["aefProfiles"][0]["securityMethods"] = {"QUANTUM"};
  const auto v = parsed(in);
  EXPECT_EQ(v.aefProfiles->at(0).protocol, "HTTP_3");
  InvalidParams errs;
  in["aefProfiles"][0]["protocol"] = 1;
  EXPECT_FALSE(parse_body<ServiceAPIDescription>(in, errs));
  EXPECT_TRUE(has_error(errs, "/aefProfiles/0/protocol", "must be a string"));
}

TEST(PublishModel, ServiceKpisPatterns) {
  ServiceKpis k;
  InvalidParams errs;
  EXPECT_FALSE(from_json(json{{"avalComp", "2 GB"}, {"avalMem", "1.5 MB"}, {"maxReqRate", -1}}, k, "", errs));
  EXPECT_TRUE(has_error(errs, "/avalComp", "FLOPS"));
  EXPECT_TRUE(has_error(errs, "/maxReqRate", "between 0"));
  EXPECT_EQ(errs.size(), 2u) << dump(errs);
  EXPECT_DOUBLE_EQ(*service_kpi_amount("1.5 kFLOPS"), 1500.0);
  EXPECT_DOUBLE_EQ(*service_kpi_amount("2 KB"), 2000.0);
}

TEST(PublishModel, PatchAllowsNullAndApplies) {
  const auto base = parsed(rich_service_api());
  const json body = {{"description", nullptr},
                     {"shareableInfo", nullptr},
                     {"ccfId", "ccf-2"},
                     {"apiStatus", {{"aefIds", json::array()}}},
                     {"apiName", "ignored: not patchable"}};
  InvalidParams errs;
  auto patch = parse_body<ServiceAPIDescriptionPatch>(body, errs);
  ASSERT_TRUE(patch) << dump(errs);
  EXPECT_TRUE(patch->description.is_delete());
  auto pj = body;
  pj.erase("apiName");
  EXPECT_EQ(to_json(*patch), pj);

  auto out = apply_patch(base, *patch, errs);
  ASSERT_TRUE(out) << dump(errs);
  EXPECT_FALSE(out->description);
  EXPECT_FALSE(out->shareableInfo);
  EXPECT_EQ(out->ccfId, "ccf-2");
  EXPECT_TRUE(out->apiStatus->aefIds.empty());
  EXPECT_EQ(out->apiName, base.apiName);
  EXPECT_EQ(out->aefProfiles, base.aefProfiles);

  errs.clear();
  EXPECT_FALSE(
      parse_body<ServiceAPIDescriptionPatch>(json{{"aefProfiles", json::array()}, {"ccfId", 3}}, errs));
  EXPECT_TRUE(has_error(errs, "/aefProfiles", "at least 1"));
  EXPECT_TRUE(has_error(errs, "/ccfId", "must be a string"));
}

TEST(InvokerModel, RoundTripWithApiList) {
  const json in = {{"apiInvokerId", "inv-1"},
                   {"onboardingInformation",
                    {{"apiInvokerPublicKey", "-----BEGIN CERTIFICATE REQUEST-----"},
                     {"apiInvokerCertificate", "-----BEGIN CERTIFICATE-----"},
                     {"onboardingSecret", "s3cret"}}},
                   {"notificationDestination", "https://invoker.example.com/cb"},
                   {"requestTestNotification", true},
                   {"websockNotifConfig", {{"requestWebsocketUri", true}}},
                   {"apiList", {{"serviceAPIDescriptions", {rich_service_api()}}}},
                   {"apiInvokerInformation", "my app"},
                   {"supportedFeatures", "7"}};
  InvalidParams errs;
  auto v = parse_body<APIInvokerEnrolmentDetails>(in, errs);
  ASSERT_TRUE(v) << dump(errs);
  EXPECT_EQ(to_json(*v), in);
}

TEST(InvokerModel, RequiredAndNestedErrors) {
  json in = {{"notificationDestination", ""},
             {"apiList", {{"serviceAPIDescriptions", {{{"aefProfiles", json::array()}}}}}},
             {"websockNotifConfig", json::array()}};
  InvalidParams errs;
  EXPECT_FALSE(parse_body<APIInvokerEnrolmentDetails>(in, errs));
  EXPECT_TRUE(has_error(errs, "/onboardingInformation", "is required")) << dump(errs);
  EXPECT_TRUE(has_error(errs, "/notificationDestination", "URI"));
  EXPECT_TRUE(has_error(errs, "/apiList/serviceAPIDescriptions/0/apiName", "is required"));
  EXPECT_TRUE(has_error(errs, "/apiList/serviceAPIDescriptions/0/aefProfiles", "at least 1"));
  EXPECT_TRUE(has_error(errs, "/websockNotifConfig", "must be an object"));

  errs.clear();
  in = {{"onboardingInformation", {{"apiInvokerCertificate", 5}}}, {"notificationDestination", "https://x"}};
  EXPECT_FALSE(parse_body<APIInvokerEnrolmentDetails>(in, errs));
  EXPECT_TRUE(has_error(errs, "/onboardingInformation/apiInvokerPublicKey", "is required"));
  EXPECT_TRUE(has_error(errs, "/onboardingInformation/apiInvokerCertificate", "must be a string"));
}

TEST(InvokerModel, PatchNullability) {
  InvalidParams errs;
  auto p = parse_body<APIInvokerEnrolmentDetailsPatch>(
      json{{"apiList", nullptr}, {"apiInvokerInformation", "new"}, {"notificationDestination", "https://n"}},
      errs);
  ASSERT_TRUE(p) << dump(errs);
  EXPECT_TRUE(p->apiList.is_delete());

  errs.clear();
  EXPECT_FALSE(parse_body<APIInvokerEnrolmentDetailsPatch>(
      json{{"onboardingInformation", nullptr}, {"notificationDestination", nullptr}}, errs));
  EXPECT_TRUE(has_error(errs, "/onboardingInformation", "must be an object"));
  EXPECT_TRUE(has_error(errs, "/notificationDestination", "must be a string"));
}

TEST(ProviderModel, RoundTripThreeFunctions) {
  const json in = {{"apiProvDomId", "dom-1"},
                   {"regSec", "token"},
                   {"apiProvFuncs",
                    {{{"apiProvFuncId", "AEF1"},
                      {"regInfo", {{"apiProvPubKey", "csr-aef"}, {"apiProvCert", "cert-aef"}}},
                      {"apiProvFuncRole", "AEF"},
                      {"apiProvFuncInfo", "aef"}},
                     {{"regInfo", {{"apiProvPubKey", "csr-apf"}}}, {"apiProvFuncRole", "APF"}},
                     {{"regInfo", {{"apiProvPubKey", "csr-amf"}}}, {"apiProvFuncRole", "AMF"}}}},
                   {"apiProvDomInfo", "provider"},
                   {"suppFeat", "1"},
                   {"failReason", "none"}};
  InvalidParams errs;
  auto v = parse_body<APIProviderEnrolmentDetails>(in, errs);
  ASSERT_TRUE(v) << dump(errs);
  EXPECT_EQ(v->apiProvFuncs->at(2).apiProvFuncRole, ApiProviderFuncRole::AMF);
  EXPECT_EQ(to_json(*v), in);
}

TEST(ProviderModel, UnknownRoleRejected) {
  const json in = {{"apiProvFuncs",
                    {{{"regInfo", {{"apiProvPubKey", "k"}}}, {"apiProvFuncRole", "CCF"}},
                     {{"regInfo", json::object()}},
                     {{"regInfo", {{"apiProvPubKey", "k"}}}, {"apiProvFuncRole", 1}}}}};
  InvalidParams errs;
  EXPECT_FALSE(parse_body<APIProviderEnrolmentDetails>(in, errs));
  EXPECT_TRUE(has_error(errs, "/regSec", "is required")) << dump(errs);
  EXPECT_TRUE(has_error(errs, "/apiProvFuncs/0/apiProvFuncRole", "one of AEF, APF or AMF"));
  EXPECT_TRUE(has_error(errs, "/apiProvFuncs/1/apiProvFuncRole", "is required"));
  EXPECT_TRUE(has_error(errs, "/apiProvFuncs/1/regInfo/apiProvPubKey", "is required"));
  EXPECT_TRUE(has_error(errs, "/apiProvFuncs/2/apiProvFuncRole", "must be a string"));
  EXPECT_EQ(errs.size(), 5u) << dump(errs);
}

TEST(ProviderModel, PatchApplies) {
  APIProviderEnrolmentDetails base;
  base.regSec = "sec";
  base.apiProvDomInfo = "old";
  InvalidParams errs;
  auto p = parse_body<APIProviderEnrolmentDetailsPatch>(json{{"apiProvDomInfo", nullptr}}, errs);
  ASSERT_TRUE(p);
  auto out = apply_patch(base, *p, errs);
  ASSERT_TRUE(out) << dump(errs);
  EXPECT_FALSE(out->apiProvDomInfo);
  EXPECT_EQ(out->regSec, "sec");
}

TEST(DiscoverModel, DiscoveredApisRoundTrip) {
  const json in = {{"serviceAPIDescriptions", {rich_service_api()}}};
  InvalidParams errs;
  auto v = parse_body<DiscoveredAPIs>(in, errs);
  ASSERT_TRUE(v) << dump(errs);
  EXPECT_EQ(to_json(*v), in);
}

TEST(DiscoverQueryParse, AllParameters) {
  InvalidParams errs;
  auto q = parse_discover_query({{"api-invoker-id", "inv-1"},
                                 {"api-name", "n"},
                                 {"api-version", "v1"},
                                 {"comm-type", "REQUEST_RESPONSE"},
                                 {"protocol", "HTTP_1_1"},
                                 {"aef-id", "aef-1"},
                                 {"data-format", "JSON"},
                                 {"api-cat", "cat"},
                                 {"preferred-aef-loc", R"({"dcId":"dc-1"})"},
                                 {"req-api-prov-name", "prov"},
                                 {"supported-features", "1"},
                                 {"api-supported-features", "2"},
                                 {"ue-ip-addr", R"({"ipv4Addr":"192.168.0.7"})"},
                                 {"service-kpis", R"({"maxReqRate":10})"},
                                 {"unknown", "x"}},
                                errs);
  ASSERT_TRUE(q) << dump(errs);
  EXPECT_EQ(q->apiInvokerId, "inv-1");
  EXPECT_EQ(q->preferredAefLoc, (json{{"dcId", "dc-1"}}));
  EXPECT_EQ(q->ueIpAddr->ipv4Addr, "192.168.0.7");
  EXPECT_EQ(q->serviceKpis->maxReqRate, 10);
  EXPECT_EQ(q->reqApiProvName, "prov");

  auto exploded = parse_discover_query({{"api-invoker-id", "i"}, {"ipv6Addr", "2001:db8::1"}}, errs);
  ASSERT_TRUE(exploded) << dump(errs);
  EXPECT_EQ(exploded->ueIpAddr->ipv6Addr, "2001:db8::1");
}

TEST(DiscoverQueryParse, Errors) {
  InvalidParams errs;
  EXPECT_FALSE(parse_discover_query({{"api-name", "n"},
                                     {"preferred-aef-loc", "{not json"},
                                     {"supported-features", "zz"},
                                     {"ue-ip-addr", R"({"ipv4Addr":"1.2.3.999"})"},
                                     {"service-kpis", "[]"},
                                     {"protocol", ""},
                                     {"aef-id", "a"},
                                     {"aef-id", "b"}},
                                    errs));
  EXPECT_TRUE(has_error(errs, "api-invoker-id", "is required")) << dump(errs);
  EXPECT_TRUE(has_error(errs, "preferred-aef-loc", "JSON"));
  EXPECT_TRUE(has_error(errs, "supported-features", "hexadecimal"));
  EXPECT_TRUE(has_error(errs, "ue-ip-addr", "/ipv4Addr"));
  EXPECT_TRUE(has_error(errs, "service-kpis", "object"));
  EXPECT_TRUE(has_error(errs, "protocol", "empty"));
  EXPECT_TRUE(has_error(errs, "aef-id", "repeated"));

  errs.clear();
  EXPECT_FALSE(parse_discover_query({{"api-invoker-id", "i"}, {"api-supported-features", "1"}}, errs));
  EXPECT_TRUE(has_error(errs, "api-supported-features", "api-name"));
  errs.clear();
  EXPECT_FALSE(parse_discover_query({{"api-invoker-id", "i"}, {"preferred-aef-loc", "[1]"}}, errs));
  EXPECT_TRUE(has_error(errs, "preferred-aef-loc", "object"));
}

namespace {
DiscoverQuery query(QueryParams extra) {
  extra.emplace_back("api-invoker-id", "inv");
  InvalidParams errs;
  auto q = parse_discover_query(extra, errs);
  EXPECT_TRUE(q) << dump(errs);
  return q.value_or(DiscoverQuery{});
}
}  // namespace

TEST(DiscoverMatch, EachFilter) {
  const auto api = parsed(rich_service_api());
  EXPECT_TRUE(matches(api, query({})));
  EXPECT_TRUE(matches(api, query({{"api-name", "3gpp-monitoring-event"}})));
  EXPECT_FALSE(matches(api, query({{"api-name", "other"}})));
  EXPECT_TRUE(matches(api, query({{"api-version", "v2"}})));
  EXPECT_FALSE(matches(api, query({{"api-version", "v3"}})));
  EXPECT_TRUE(matches(api, query({{"comm-type", "SUBSCRIBE_NOTIFY"}})));
  EXPECT_TRUE(matches(api, query({{"comm-type", "REQUEST_RESPONSE"}})));  // custOperations
  EXPECT_FALSE(matches(api, query({{"comm-type", "STREAMING"}})));
  EXPECT_TRUE(matches(api, query({{"protocol", "HTTP_2"}})));
  EXPECT_FALSE(matches(api, query({{"protocol", "MQTT"}})));
  EXPECT_TRUE(matches(api, query({{"data-format", "XML"}})));
  EXPECT_FALSE(matches(api, query({{"data-format", "PROTOBUF3"}})));
  EXPECT_TRUE(matches(api, query({{"aef-id", "aef-2"}})));
  EXPECT_FALSE(matches(api, query({{"aef-id", "aef-9"}})));
  EXPECT_TRUE(matches(api, query({{"api-cat", "monitoring"}})));
  EXPECT_FALSE(matches(api, query({{"api-cat", "qos"}})));
  EXPECT_TRUE(matches(api, query({{"api-name", "3gpp-monitoring-event"}, {"api-supported-features", "21"}})));
  EXPECT_FALSE(matches(api, query({{"api-name", "3gpp-monitoring-event"}, {"api-supported-features", "4"}})));
  // Not filters.
  EXPECT_TRUE(matches(api, query({{"supported-features", "ffff"}})));
  EXPECT_TRUE(matches(api, query({{"preferred-aef-loc", R"({"dcId":"elsewhere"})"}})));
  EXPECT_TRUE(matches(api, query({{"req-api-prov-name", "nobody"}})));
}

TEST(DiscoverMatch, AefCriteriaMustHoldOnOneProfile) {
  const auto api = parsed(rich_service_api());
  EXPECT_TRUE(matches(api, query({{"aef-id", "aef-2"}, {"protocol", "HTTP_2"}, {"api-version", "v2"}})));
  EXPECT_FALSE(matches(api, query({{"aef-id", "aef-2"}, {"protocol", "HTTP_1_1"}})));
  EXPECT_FALSE(matches(api, query({{"api-version", "v2"}, {"comm-type", "SUBSCRIBE_NOTIFY"}})));
  ServiceAPIDescription category_only;
  category_only.apiName = "x";
  EXPECT_FALSE(matches(category_only, query({{"aef-id", "aef-1"}})));
}

TEST(DiscoverMatch, ServiceKpisAndUeIp) {
  const auto api = parsed(rich_service_api());
  EXPECT_TRUE(
      matches(api, query({{"service-kpis", R"({"maxReqRate":50,"maxRestime":30,"avalMem":"4 GB"})"}})));
  EXPECT_FALSE(matches(api, query({{"service-kpis", R"({"maxReqRate":500})"}})));
  EXPECT_FALSE(matches(api, query({{"service-kpis", R"({"avalComp":"1 TFLOPS"})"}})));
  EXPECT_FALSE(matches(api, query({{"service-kpis", R"({"maxRestime":10})"}})));
  // aef-1 restricts UE ranges; aef-2 has no ueIpRange and so serves every UE.
  EXPECT_TRUE(matches(api, query({{"aef-id", "aef-1"}, {"ipv4Addr", "192.168.0.9"}})));
  EXPECT_FALSE(matches(api, query({{"aef-id", "aef-1"}, {"ue-ip-addr", R"({"ipv4Addr":"10.1.1.1"})"}})));
  EXPECT_FALSE(matches(api, query({{"aef-id", "aef-1"}, {"ue-ip-addr", R"({"ipv6Addr":"2001:db8::1"})"}})));
  EXPECT_TRUE(matches(api, query({{"ue-ip-addr", "10.1.1.1"}})));
}

TEST(DiscoverMatch, ForDiscoveryDropsShareableInfo) {
  const auto api = parsed(rich_service_api());
  const auto out = for_discovery(api);
  EXPECT_FALSE(out.shareableInfo);
  auto expected = rich_service_api();
  expected.erase("shareableInfo");
  EXPECT_EQ(to_json(out), expected);
}
