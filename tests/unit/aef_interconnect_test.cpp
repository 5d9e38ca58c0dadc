// capif-aef, interconnection: the onboardedCcfId extension of check-authentication.
#include "aef/api/aef_security_api.hpp"

#include <gtest/gtest.h>

using namespace capif;
using nlohmann::json;

TEST(AefCheckAuthentication, OnboardedCcfIdIsOptionalAndStrict) {
  EXPECT_EQ(aef::api::onboarded_ccf_id({{"apiInvokerId", "INV1"}}), std::nullopt);
  EXPECT_EQ(aef::api::onboarded_ccf_id({{"onboardedCcfId", "ccf-a.example_1"}}), "ccf-a.example_1");
  EXPECT_EQ(aef::api::onboarded_ccf_id({{"onboardedCcfId", std::string(64, 'a')}}), std::string(64, 'a'));
  for (const json& bad : {json(""), json(std::string(65, 'a')), json("ccf a"), json("ccf&x=1"),
                          json("ccf/.."), json(7), json(nullptr), json::array({"ccf-a"})}) {
    try {
      aef::api::onboarded_ccf_id({{"onboardedCcfId", bad}});
      ADD_FAILURE() << "accepted " << bad.dump();
    } catch (const ApiError& e) {
      EXPECT_EQ(e.status(), 400);
      ASSERT_EQ(e.invalid_params().size(), 1u);
      EXPECT_EQ(e.invalid_params()[0].param, "/onboardedCcfId");
      EXPECT_EQ(e.to_problem_json()["invalidParams"][0]["param"], "/onboardedCcfId");
    }
  }
}
