#include "capif/http/router.hpp"

#include <gtest/gtest.h>

using namespace capif::http;

TEST(RouterTail, MatchesZeroOrMoreRemainingSegments) {
  Router r;
  Handler h = [](RequestContext&) -> boost::asio::awaitable<Response> { co_return Response::no_content(); };
  r.add("GET", "/gw/v1/{rest*}", h);
  EXPECT_EQ(r.find("GET", "/gw/v1/a/b/c").params.at("rest"), "a/b/c");
  EXPECT_EQ(r.find("GET", "/gw/v1").params.at("rest"), "");
  EXPECT_EQ(r.find("GET", "/gw/v1/x").params.at("rest"), "x");
  EXPECT_EQ(r.find("GET", "/gw").handler, nullptr);
  EXPECT_EQ(r.find("GET", "/gw/v2/x").handler, nullptr);
  EXPECT_EQ(r.find("POST", "/gw/v1/x").allowed_methods.size(), 1u);
}
