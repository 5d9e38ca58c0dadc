#include "capif/http/router.hpp"
#include "capif/http/uri.hpp"

#include <gtest/gtest.h>

using namespace capif::http;

namespace {
Handler noop() {
  return [](RequestContext&) -> boost::asio::awaitable<Response> { co_return Response::no_content(); };
}
}  // namespace

TEST(Router, MatchesTemplatesAndExtractsParameters) {
  Router r;
  r.add("GET", "/published-apis/v1/{apfId}/service-apis", noop());
  r.add("GET", "/published-apis/v1/{apfId}/service-apis/{serviceApiId}", noop(),
        {ClientAuth::required, {capif::PrincipalKind::apf}});
  auto f = r.find("GET", "/published-apis/v1/APF1/service-apis/API9");
  ASSERT_NE(f.handler, nullptr);
  EXPECT_EQ(f.params.at("apfId"), "APF1");
  EXPECT_EQ(f.params.at("serviceApiId"), "API9");
  ASSERT_EQ(f.options->roles.size(), 1u);
  EXPECT_EQ(f.options->roles[0], capif::PrincipalKind::apf);
  EXPECT_NE(r.find("GET", "/published-apis/v1/APF1/service-apis").handler, nullptr);
}

TEST(Router, ReportsAllowedMethodsWhenOnlyTheMethodDiffers) {
  Router r;
  r.add("PUT", "/a/{id}", noop());
  r.add("DELETE", "/a/{id}", noop());
  auto f = r.find("GET", "/a/1");
  EXPECT_EQ(f.handler, nullptr);
  EXPECT_EQ(f.allowed_methods, (std::vector<std::string>{"PUT", "DELETE"}));
}

TEST(Router, RejectsNearMisses) {
  Router r;
  r.add("GET", "/service-apis/v1/allServiceAPIs", noop());
  for (const char* p :
       {"/service-apis/v1/allServiceAPIs/", "/service-apis/v1", "//service-apis/v1/allServiceAPIs",
        "/service-apis/v1/allServiceAPIs/x", "service-apis/v1/allServiceAPIs", ""}) {
    auto f = r.find("GET", p);
    EXPECT_EQ(f.handler, nullptr) << p;
    EXPECT_TRUE(f.allowed_methods.empty()) << p;
  }
}

TEST(Uri, PercentDecoding) {
  EXPECT_EQ(percent_decode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_FALSE(percent_decode("abc%4", false));
  EXPECT_FALSE(percent_decode("abc%", false));
}

TEST(Uri, QueryParsingKeepsOrderAndDecodes) {
  auto q = parse_query("api-invoker-id=INV1&api-name=a%20b&flag&&x=");
  ASSERT_TRUE(q);
  ASSERT_EQ(q->size(), 4u);
  EXPECT_EQ((*q)[0], (std::pair<std::string, std::string>{"api-invoker-id", "INV1"}));
  EXPECT_EQ((*q)[1].second, "a b");
  EXPECT_EQ((*q)[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ((*q)[3], (std::pair<std::string, std::string>{"x", ""}));
  EXPECT_FALSE(parse_query("a=%G0"));
}

TEST(Uri, HttpsUrls) {
  auto u = parse_https_url("https://127.0.0.1:8443/api/v1?x=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, "8443");
  EXPECT_EQ(u->target, "/api/v1?x=1");
  u = parse_https_url("https://[::1]:9/");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "9");
  u = parse_https_url("https://ccf.example");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/");
  EXPECT_FALSE(parse_https_url("http://x/"));
  EXPECT_FALSE(parse_https_url("https:///x"));
}

TEST(Uri, PercentEncodeRoundTrips) {
  const std::string s = "a b/c?d=e&f~g";
  EXPECT_EQ(percent_decode(percent_encode(s), false), s);
  EXPECT_EQ(percent_encode("a b"), "a%20b");
}

#include "capif/model/json_limits.hpp"

TEST(JsonLimits, CountsNestingOutsideStrings) {
  using capif::model::json_nesting_depth;
  EXPECT_EQ(json_nesting_depth("{}"), 1u);
  EXPECT_EQ(json_nesting_depth(R"({"a":[{"b":1}],"c":{}})"), 3u);
  EXPECT_EQ(json_nesting_depth(R"({"a":"[[[{{{\"[["})"), 1u);
  EXPECT_EQ(json_nesting_depth("5"), 0u);
  EXPECT_EQ(json_nesting_depth(std::string(1000, '['), 65), 65u) << "stops counting at the limit";
}

TEST(Bearer, ParsesTheSchemeCaseInsensitivelyAndTrimsTheToken) {
  using capif::http::parse_bearer;
  const std::string a = "Bearer abc.def", b = "bearer   tok  ", c = "Basic dXNlcjpwdw==", d = "Bearer ", e = "Bearer";
  EXPECT_EQ(parse_bearer(&a), "abc.def");
  EXPECT_EQ(parse_bearer(&b), "tok");
  EXPECT_FALSE(parse_bearer(&c));
  EXPECT_FALSE(parse_bearer(&d)) << "no token";
  EXPECT_FALSE(parse_bearer(&e));
  EXPECT_FALSE(parse_bearer(nullptr));
}
