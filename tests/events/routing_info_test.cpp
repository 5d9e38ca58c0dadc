// CAPIF_Routing_Info_API against the real capif-ccf: the publishing APF configures rules (IP ranges -> AEF
// profile), the AEF reads them; everyone else is refused and bad ranges are named.
#include "../integration/problem_expect.hpp"
#include "events_test_support.hpp"

#include <gtest/gtest.h>

using namespace capif::testing;

namespace {

TEST(RoutingInfo, ProviderRulesAreWhatTheAefGets) {
  CcfProcess ccf;
  ccf.start();
  auto prov = register_provider(ccf);
  auto other = register_provider(ccf);
  CaptureServer callback;
  subscribe(ccf, prov.aef,
            subscription({"API_TOPOLOGY_HIDING_CREATED", "API_TOPOLOGY_HIDING_REVOKED"},
                         callback_url(callback.port(), "topo")));
  const auto api = publish(ccf, prov, service_api_body("weather", prov.aef.id));
  const std::string api_id = api["apiId"];
  const std::string url = ccf.api_root() + "/capif-routing-info/v1/service-apis/" + api_id;
  const std::string get_url = url + "?aef-id=" + prov.aef.id;

  EXPECT_PROBLEM(send(*prov.aef.client, "GET", get_url), 404);  // no rules yet
  json rules{{"routingRules",
              {{{"ipv4AddrRanges", {{{"start", "10.0.0.0"}, {"end", "10.0.255.255"}}}},
                {"aefProfile", api["aefProfiles"][0]}},
               {{"ipv6AddrRanges", {{{"start", "2001:db8::"}, {"end", "2001:db8::ffff"}}}},
                {"aefProfile", api["aefProfiles"][0]}}}}};
  auto r = send_json(*prov.apf.client, "PUT", url, rules);
  ASSERT_EQ(r.status, 200) << r.body;

  r = send(*prov.aef.client, "GET", get_url);
  ASSERT_EQ(r.status, 200) << r.body;
  auto got = body_json(r);
  ASSERT_EQ(got["routingRules"].size(), 2u);
  EXPECT_EQ(got["routingRules"][0]["ipv4AddrRanges"][0]["end"], "10.0.255.255");
  EXPECT_EQ(got["routingRules"][1]["aefProfile"]["aefId"], prov.aef.id);

  EXPECT_PROBLEM(send(*prov.aef.client, "GET", url), 400, "aef-id");
  EXPECT_PROBLEM(send(*other.aef.client, "GET", url + "?aef-id=" + prov.aef.id), 403);
  EXPECT_PROBLEM(send(*other.aef.client, "GET", url + "?aef-id=" + other.aef.id), 404);
  EXPECT_PROBLEM(send_json(*other.apf.client, "PUT", url, rules), 403);
  EXPECT_PROBLEM(send(*prov.apf.client, "GET", get_url), 403);  // an AEF's operation

  auto bad = rules;
  bad["routingRules"][0]["ipv4AddrRanges"][0]["end"] = "9.255.255.255";
  EXPECT_PROBLEM(send_json(*prov.apf.client, "PUT", url, bad), 400, "/routingRules/0/ipv4AddrRanges/0/end");
  bad = rules;
  bad["routingRules"][1]["aefProfile"]["aefId"] = other.aef.id;
  EXPECT_PROBLEM(send_json(*prov.apf.client, "PUT", url, bad), 400, "/routingRules/1/aefProfile/aefId");
  EXPECT_PROBLEM(send_json(*prov.apf.client, "PUT", url, json{{"routingRules", json::array()}}), 400,
                 "/routingRules");

  // The rules go with the API.
  ASSERT_EQ(send(*prov.apf.client, "DELETE", published_url(ccf, prov.apf.id) + "/" + api_id).status, 204);
  EXPECT_PROBLEM(send(*prov.aef.client, "GET", get_url), 404);

  auto n = wait_notifications(callback, 2);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[0]["events"], "API_TOPOLOGY_HIDING_CREATED");
  EXPECT_EQ(n[0]["eventDetail"]["apiTopoHide"]["apiId"], api_id);
  EXPECT_EQ(n[0]["eventDetail"]["apiTopoHide"]["routingRules"].size(), 2u);
  EXPECT_EQ(n[1]["events"], "API_TOPOLOGY_HIDING_REVOKED");
  EXPECT_EQ(n[1]["eventDetail"]["apiIds"], json::array({api_id}));
}

}  // namespace
