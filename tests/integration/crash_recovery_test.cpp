// kill -9 during a stream of writes: every acknowledged resource is there after a restart, with the
// same ids and certificates.
#include "capif/crypto/pki.hpp"
#include "capif_parties.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

using namespace capif::testing;

TEST(CrashRecovery, AcknowledgedWritesSurviveKill9) {
  CcfProcess ccf;
  ccf.start();
  Provider prov = register_provider(ccf);
  Invoker early = onboard_invoker(ccf);

  std::vector<std::string> acknowledged_apis;
  std::vector<Invoker> acknowledged_invokers;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    const std::string credential = ccf.credential("invoker");
    auto anon = make_client(ccf);
    for (int i = 0; !stop; ++i) {
      auto r = send_json(*prov.apf.client, "POST", published_url(ccf, prov.apf.id),
                         service_api_body("crash-api-" + std::to_string(i), prov.aef.id));
      if (r.status != 201) break;  // the CCF is gone: everything before this was acknowledged
      acknowledged_apis.push_back(body_json(r).at("apiId"));
      if (i % 5 == 0) {
        Invoker inv;
        inv.key_pem = capif::crypto::generate_ec_key_pem();
        auto o = send_json(*anon, "POST", invokers_url(ccf),
                           onboarding_body(capif::crypto::make_csr_pem(inv.key_pem, "x")),
                           {{"Authorization", "Bearer " + credential}});
        if (o.status != 201) break;
        inv.enrolment = body_json(o);
        inv.id = inv.enrolment.at("apiInvokerId");
        inv.cert_pem = inv.enrolment.at("onboardingInformation").at("apiInvokerCertificate");
        acknowledged_invokers.push_back(std::move(inv));
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ccf.kill9();
  stop = true;
  writer.join();
  ASSERT_GT(acknowledged_apis.size(), 10u) << "the writer should have been acknowledged many writes";

  ccf.start();
  // Publications: the APF's certificate still works and lists every acknowledged API.
  auto apf = make_client(ccf, prov.apf.cert_pem, prov.apf.key_pem);
  auto r = send(*apf, "GET", published_url(ccf, prov.apf.id));
  ASSERT_EQ(r.status, 200) << r.body;
  std::set<std::string> stored;
  for (const auto& api : body_json(r)) stored.insert(api.at("apiId"));
  for (const auto& id : acknowledged_apis) EXPECT_TRUE(stored.count(id)) << "lost acknowledged API " << id;

  // Invokers: the same certificates authenticate after the restart.
  acknowledged_invokers.push_back(std::move(early));
  for (const auto& inv : acknowledged_invokers) {
    auto c = make_client(ccf, inv.cert_pem, inv.key_pem);
    EXPECT_EQ(send(*c, "GET", discover_url(ccf, inv.id, "&api-name=crash-api-0")).status, 200)
        << "invoker " << inv.id << " lost";
  }
}

TEST(CrashRecovery, CleanShutdownOnSigterm) {
  CcfProcess ccf;
  ccf.start();
  Invoker inv = onboard_invoker(ccf);
  int status = ccf.terminate();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ccf.start();
  auto c = make_client(ccf, inv.cert_pem, inv.key_pem);
  EXPECT_EQ(send(*c, "GET", discover_url(ccf, inv.id)).status, 200);
}
