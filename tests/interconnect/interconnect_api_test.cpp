// CAPIF-6/6e at the API level with real capif-ccf processes: publication to peers and its loop
// prevention, discovery with ccfId, the forwarded negotiation, the key/CA fetch between CCFs, forwarded
// token requests, who may call CAPIF-6 at all, and a peer that hangs or dies.
#include "capif/crypto/encoding.hpp"
#include "capif/crypto/files.hpp"
#include "capif/crypto/jwt.hpp"
#include "capif/crypto/kdf.hpp"
#include "capif/crypto/pki.hpp"
#include "capif/model/publish_service_api.hpp"
#include "capif_parties.hpp"
#include "ccf_peers.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <thread>

using namespace capif;
using namespace capif::testing;

namespace {
using Clock = std::chrono::steady_clock;

json shared_api(const std::string& name, const std::string& aef_id, bool shareable = true) {
  auto api = service_api_body(name, aef_id);
  api["shareableInfo"] = {{"isShareable", shareable}};
  api["aefProfiles"][0]["securityMethods"] = {"PSK", "PKI", "OAUTH"};
  return api;
}

// Discovery at `ccf` by `inv` for api-name; empty array when nothing matches.
json discover(const CcfProcess& ccf, Invoker& inv, const std::string& name) {
  auto r = send(*inv.client, "GET", discover_url(ccf, inv.id, "&api-name=" + name));
  EXPECT_EQ(r.status, 200) << r.body << r.error;
  return body_json(r).value("serviceAPIDescriptions", json::array());
}

// Polls until discovery returns `count` APIs of that name (publication to peers is asynchronous).
json await_discovery(const CcfProcess& ccf, Invoker& inv, const std::string& name, std::size_t count,
                     int timeout_ms = 15000) {
  const auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
  json found;
  do {
    found = discover(ccf, inv, name);
    if (found.size() == count) return found;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (Clock::now() < end);
  ADD_FAILURE() << "discovery of " << name << " at " << ccf.id() << " found " << found.size() << ", expected "
                << count;
  return found;
}

std::string trusted_url(const CcfProcess& ccf, const std::string& invoker, const std::string& query = {}) {
  return ccf.api_root() + "/capif-security/v1/trustedInvokers/" + invoker + (query.empty() ? "" : "?" + query);
}

json security_request(const std::string& aef_id, const std::vector<std::string>& methods,
                      const std::string& designated = {}) {
  json e{{"aefId", aef_id}, {"prefSecurityMethods", methods}};
  if (!designated.empty()) e["designatedCcfId"] = designated;
  return {{"securityInfo", json::array({e})}, {"notificationDestination", "https://127.0.0.1:1/notify"}};
}

class Interconnect : public ::testing::Test {
 protected:
  void SetUp() override {
    start_linked_pair(a, b);
    provider = register_provider(b);
    publish(b, provider, shared_api("shared-api", provider.aef.id));
    publish(b, provider, shared_api("private-api", provider.aef.id, false));
    inv = onboard_invoker(a);
    await_discovery(a, inv, "shared-api", 1);
  }

  // PUT trustedInvokers at CCF-A for CCF-B's AEF.
  http::ClientResponse negotiate(const std::vector<std::string>& methods, Invoker* who = nullptr) {
    Invoker& i = who ? *who : inv;
    return send_json(*i.client, "PUT", trusted_url(a, i.id), security_request(provider.aef.id, methods, "ccf-b"));
  }

  http::ClientResponse aef_reads(const std::string& invoker_id) {
    return send(*provider.aef.client, "GET",
                trusted_url(b, invoker_id, "authenticationInfo=true&authorizationInfo=true&onboardedCcfId=ccf-a"));
  }

  http::ClientResponse token_at_a(const std::string& scope) {
    return send(*inv.client, "POST", a.api_root() + "/capif-security/v1/securities/" + inv.id + "/token",
                "grant_type=client_credentials&client_id=" + inv.id + "&client_secret=" + inv.onboarding_secret +
                    "&scope=" + scope,
                "application/x-www-form-urlencoded");
  }

  CcfProcess a{{"ccf-a"}}, b{{"ccf-b"}};
  Provider provider;
  Invoker inv;
};
}  // namespace

TEST_F(Interconnect, DiscoveryAtCcfAShowsOnlyShareableApisOfCcfBWithItsCcfId) {
  auto found = discover(a, inv, "shared-api");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["ccfId"], "ccf-b");
  EXPECT_EQ(found[0]["aefProfiles"][0]["aefId"], provider.aef.id);
  EXPECT_EQ(found[0]["pubApiPath"]["ccfIds"], json::array({"ccf-b"}));
  EXPECT_FALSE(found[0].contains("shareableInfo"));
  EXPECT_TRUE(discover(a, inv, "private-api").empty());
}

TEST_F(Interconnect, UpdatesAndUnpublishingFollowToThePeer) {
  auto list = body_json(send(*provider.apf.client, "GET", published_url(b, provider.apf.id)));
  std::string id;
  for (const auto& api : list)
    if (api["apiName"] == "shared-api") id = api["apiId"];
  ASSERT_FALSE(id.empty());
  auto changed = shared_api("shared-api", provider.aef.id);
  changed["description"] = "version two";
  auto r = send_json(*provider.apf.client, "PUT", published_url(b, provider.apf.id) + "/" + id, changed);
  ASSERT_EQ(r.status, 200) << r.body;
  bool seen = false;
  for (int i = 0; i < 150 && !seen; ++i) {
    auto found = discover(a, inv, "shared-api");
    seen = found.size() == 1 && found[0]["description"] == "version two";
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(seen) << "the update did not reach CCF-A";

  r = send(*provider.apf.client, "DELETE", published_url(b, provider.apf.id) + "/" + id);
  ASSERT_EQ(r.status, 204) << r.body;
  await_discovery(a, inv, "shared-api", 0);
}

TEST_F(Interconnect, CcfAQueriesThePeersDiscoverApiWithItsCcfId) {
  auto client = peer_client(a, b);
  auto r = send(*client, "GET", discover_url(b, "ccf-a"));
  ASSERT_EQ(r.status, 200) << r.body << r.error;
  auto apis = body_json(r)["serviceAPIDescriptions"];
  ASSERT_EQ(apis.size(), 1u) << r.body;
  EXPECT_EQ(apis[0]["apiName"], "shared-api");
  EXPECT_EQ(apis[0]["ccfId"], "ccf-b");
  // Claiming another CCF's id in the query is refused.
  r = send(*client, "GET", discover_url(b, "ccf-c"));
  EXPECT_EQ(r.status, 403) << r.body;
}

TEST_F(Interconnect, NegotiationIsForwardedAndCcfBSelectsThenHandsTheAefpskOver) {
  auto r = negotiate({"PSK", "OAUTH"});
  ASSERT_EQ(r.status, 201) << r.body;
  auto entry = body_json(r)["securityInfo"][0];
  EXPECT_EQ(entry["selSecurityMethod"], "PSK");
  EXPECT_EQ(entry["designatedCcfId"], "ccf-b");
  EXPECT_EQ(entry["designatedCcfTrustAnchor"], b.ca_pem());
  // The AEFPSK CCF-A derived from this very CAPIF-1e session is what CCF-B fetches and hands to its AEF.
  model::AefProfile profile;
  InvalidParams errs;
  ASSERT_TRUE(model::from_json(discover(a, inv, "shared-api")[0]["aefProfiles"][0], profile, "", errs));
  const std::string interface = model::aef_interface_string(profile);
  const std::string expected =
      crypto::base64_encode(crypto::derive_aefpsk(r.tls.aefpsk_key, interface, r.tls.aefpsk_session_id));

  auto got = aef_reads(inv.id);
  ASSERT_EQ(got.status, 200) << got.body;
  auto info = body_json(got)["securityInfo"];
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0]["selSecurityMethod"], "PSK");
  EXPECT_EQ(info[0]["authenticationInfo"], expected);
  EXPECT_NE(info[0]["authorizationInfo"].get<std::string>().find("shared-api"), std::string::npos);
}

TEST_F(Interconnect, PkiHandsCcfAsRootCaToTheAef) {
  auto r = negotiate({"PKI"});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body_json(r)["securityInfo"][0]["selSecurityMethod"], "PKI");
  auto got = aef_reads(inv.id);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(body_json(got)["securityInfo"][0]["authenticationInfo"], a.ca_pem());
  // The access control policy CCF-B gives its AEF covers the remote invoker.
  std::string api_id;
  for (const auto& api : body_json(send(*provider.apf.client, "GET", published_url(b, provider.apf.id))))
    if (api["apiName"] == "shared-api") api_id = api["apiId"];
  auto acl = send(*provider.aef.client, "GET",
                  b.api_root() + "/access-control-policy/v1/accessControlPolicyList/" + api_id +
                      "?aef-id=" + provider.aef.id);
  ASSERT_EQ(acl.status, 200) << acl.body;
  EXPECT_NE(acl.body.find(inv.id), std::string::npos) << acl.body;
}

TEST_F(Interconnect, NamingTheWrongDesignatedCcfOrAnUnknownAefIsRefused) {
  auto r = send_json(*inv.client, "PUT", trusted_url(a, inv.id), security_request(provider.aef.id, {"PKI"}, "ccf-x"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("/securityInfo/0/designatedCcfId"), std::string::npos) << r.body;
  r = send_json(*inv.client, "PUT", trusted_url(a, inv.id), security_request("AEFnotknown", {"PKI"}, "ccf-b"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("/securityInfo/0/aefId"), std::string::npos) << r.body;
}

TEST_F(Interconnect, TokenRequestIsForwardedAndCcfBSignsIt) {
  ASSERT_EQ(negotiate({"OAUTH"}).status, 201);
  auto r = token_at_a("3gpp%23" + provider.aef.id + "%3Ashared-api");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string token = body_json(r)["access_token"];
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  const auto key_b = crypto::public_key_pem(crypto::read_file(b.dir() / "data" / "token-signing.key"));
  const auto key_a = crypto::public_key_pem(crypto::read_file(a.dir() / "data" / "token-signing.key"));
  auto v = crypto::jws_verify_es256(token, key_b, now, 0);
  ASSERT_TRUE(v.ok) << v.error;
  EXPECT_EQ(v.claims["ccf_id"], "ccf-b");
  EXPECT_EQ(v.claims["onboarded_ccf_id"], "ccf-a");
  EXPECT_EQ(v.claims["client_id"], inv.id);
  EXPECT_EQ(v.claims["aud"], json::array({provider.aef.id}));
  EXPECT_FALSE(crypto::jws_verify_es256(token, key_a, now, 0).ok) << "CCF-A must not sign for CCF-B's AEF";

  // An API the invoker did not negotiate: CCF-B's AccessTokenErr reaches the invoker unchanged.
  r = token_at_a("3gpp%23" + provider.aef.id + "%3Aprivate-api");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(body_json(r)["error"], "invalid_scope");
}

TEST_F(Interconnect, AScopeMixingLocalAndRemoteAefsIsRefused) {
  auto local = register_provider(a);
  publish(a, local, shared_api("local-api", local.aef.id, false));
  json req = security_request(provider.aef.id, {"OAUTH"}, "ccf-b");
  req["securityInfo"].push_back({{"aefId", local.aef.id}, {"prefSecurityMethods", {"OAUTH"}}});
  auto r = send_json(*inv.client, "PUT", trusted_url(a, inv.id), req);
  ASSERT_EQ(r.status, 201) << r.body;
  r = token_at_a("3gpp%23" + provider.aef.id + "%3Ashared-api%3B" + local.aef.id + "%3Alocal-api");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(body_json(r)["error"], "invalid_scope");
  // Each CCF's part on its own works.
  EXPECT_EQ(token_at_a("3gpp%23" + local.aef.id + "%3Alocal-api").status, 200);
  EXPECT_EQ(token_at_a("3gpp%23" + provider.aef.id + "%3Ashared-api").status, 200);
}

TEST_F(Interconnect, CcfBGetsNoKeyForAnInvokerThatDidNotNegotiateViaCcfB) {
  ASSERT_EQ(negotiate({"PSK"}).status, 201);
  // Another invoker of CCF-A negotiated only a local AEF of CCF-A.
  auto local = register_provider(a);
  publish(a, local, shared_api("local-api", local.aef.id, false));
  auto other = onboard_invoker(a);
  auto neg = send_json(*other.client, "PUT", trusted_url(a, other.id), security_request(local.aef.id, {"PSK"}));
  ASSERT_EQ(neg.status, 201) << neg.body;
  auto as_b = peer_client(b, a);
  auto r = send(*as_b, "GET", trusted_url(a, other.id, "authenticationInfo=true&aefId=" + provider.aef.id));
  EXPECT_EQ(r.status, 403) << r.body;
  r = send(*as_b, "GET", trusted_url(a, other.id, "authenticationInfo=true&aefId=" + local.aef.id));
  EXPECT_EQ(r.status, 403) << r.body;
  // Nor for another AEF than the one the invoker negotiated via CCF-B.
  r = send(*as_b, "GET", trusted_url(a, inv.id, "authenticationInfo=true&aefId=AEFother"));
  EXPECT_EQ(r.status, 403) << r.body;
  // The AEF at CCF-B asking about the never-negotiated invoker is refused as well.
  EXPECT_EQ(aef_reads(other.id).status, 404);
  // Positive control: the negotiated pair is answered.
  r = send(*as_b, "GET", trusted_url(a, inv.id, "authenticationInfo=true&aefId=" + provider.aef.id));
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(Interconnect, AnUnconfiguredCcfCannotUseCapif6) {
  CcfProcess c{{"ccf-c"}};
  init_pki(c);
  auto as_c = peer_client(c, a);
  auto r = send_json(*as_c, "POST", published_url(a, "ccf-c"), shared_api("intruder", "AEFx"));
  EXPECT_TRUE(!r.ok() || r.status == 401) << r.status << " " << r.body;
  r = send(*as_c, "GET", discover_url(a, "ccf-c"));
  EXPECT_TRUE(!r.ok() || r.status == 401) << r.status << " " << r.body;
}

TEST_F(Interconnect, APeerCannotActUnderAnotherCcfsId) {
  auto as_b = peer_client(b, a);
  auto api = shared_api("impostor", provider.aef.id);
  api["pubApiPath"] = {{"ccfIds", {"ccf-c"}}};
  auto r = send_json(*as_b, "POST", published_url(a, "ccf-c"), api);
  EXPECT_EQ(r.status, 403) << r.body;
  r = send(*as_b, "GET", discover_url(a, "ccf-c"));
  EXPECT_EQ(r.status, 403) << r.body;
  // A certificate from CCF-B's CA that claims to be CCF-A itself is nobody.
  auto ca = crypto::CertificateAuthority::load(b.ca_pem(), crypto::read_file(b.dir() / "data" / "ca.key"));
  const auto key = crypto::generate_ec_key_pem();
  http::ClientConfig cfg;
  cfg.ca_pem = a.ca_pem();
  cfg.client_cert_pem = ca.issue_server_cert(key, "ccf-a", {"localhost"}, {"127.0.0.1"}, 1);
  cfg.client_key_pem = key;
  http::BlockingClient forged(cfg);
  r = send(forged, "GET", discover_url(a, "ccf-a"));
  EXPECT_EQ(r.status, 401) << r.body;
  // A peer may not say the API is served by a CCF that is neither itself nor on the publication path.
  api["pubApiPath"] = {{"ccfIds", {"ccf-b"}}};
  api["ccfId"] = "ccf-x";
  r = send_json(*as_b, "POST", published_url(a, "ccf-b"), api);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("/ccfId"), std::string::npos) << r.body;
  api.erase("ccfId");
  // A peer names a loop: the receiver is already in the publication path.
  api["pubApiPath"] = {{"ccfIds", {"ccf-a", "ccf-b"}}};
  r = send_json(*as_b, "POST", published_url(a, "ccf-b"), api);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(body_json(r)["cause"], "PUBLICATION_LOOP");
}

// A peer that publishes an API in the name of one of CCF-A's own AEFs would capture the negotiations and
// key fetches for it: refused, and the local AEF's negotiation stays local.
TEST_F(Interconnect, APeerCannotPublishForAnAefOfThisCcf) {
  auto local = register_provider(a);
  publish(a, local, shared_api("local-api", local.aef.id, false));
  auto api = shared_api("hijack", local.aef.id);
  api["pubApiPath"] = {{"ccfIds", {"ccf-b"}}};
  auto r = send_json(*peer_client(b, a), "POST", published_url(a, "ccf-b"), api);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("/aefProfiles/0/aefId"), std::string::npos) << r.body;
  r = send_json(*inv.client, "PUT", trusted_url(a, inv.id), security_request(local.aef.id, {"PKI"}));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_FALSE(body_json(r)["securityInfo"][0].contains("designatedCcfId")) << r.body;
}

// A peer that forwards a negotiation under the id of one of CCF-B's own invokers is refused: invoker ids
// are unique at CCF-B across its own invokers and every peer's.
TEST_F(Interconnect, APeerCannotNegotiateUnderALocalInvokersId) {
  auto local_inv = onboard_invoker(b);
  auto fwd = security_request(provider.aef.id, {"PKI"});
  auto r = send_json(*peer_client(a, b), "PUT", trusted_url(b, local_inv.id), fwd);
  EXPECT_EQ(r.status, 409) << r.body;
  // Control: CCF-A's own invoker id is accepted.
  r = send_json(*peer_client(a, b), "PUT", trusted_url(b, inv.id), fwd);
  EXPECT_EQ(r.status, 201) << r.body;
}

// The sync notices a publication the peer lost (here: withdrawn at CCF-A behind CCF-B's back) and
// publishes it again on its next periodic pass.
TEST_F(Interconnect, APublicationThePeerLostIsPublishedAgain) {
  auto found = discover(a, inv, "shared-api");
  ASSERT_EQ(found.size(), 1u);
  auto r = send(*peer_client(b, a), "DELETE",
                published_url(a, "ccf-b") + "/" + found[0]["apiId"].get<std::string>());
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(discover(a, inv, "shared-api").empty());
  await_discovery(a, inv, "shared-api", 1);
}

TEST_F(Interconnect, AHungThenDeadPeerGivesBoundedErrorsAndForwardingResumes) {
  // CCF-B hangs: the invoker gets a 504 naming it within the configured 2 s, local work goes on.
  ASSERT_EQ(::kill(b.pid(), SIGSTOP), 0);
  auto start = Clock::now();
  auto r = negotiate({"PKI"});
  auto took = Clock::now() - start;
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_NE(r.body.find("ccf-b"), std::string::npos) << r.body;
  EXPECT_LT(took, std::chrono::milliseconds(3500));
  start = Clock::now();
  EXPECT_EQ(discover(a, inv, "shared-api").size(), 1u);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(500));
  ::kill(b.pid(), SIGCONT);

  // CCF-B dies: a fast 502/503 naming it, no hang.
  b.kill9();
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // past the first backoff
  start = Clock::now();
  r = negotiate({"PKI"});
  EXPECT_TRUE(r.status == 502 || r.status == 503) << r.status << " " << r.body;
  EXPECT_NE(r.body.find("ccf-b"), std::string::npos) << r.body;
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(2500));

  // Back: forwarding resumes by itself within the backoff (at most 10 s).
  b.start();
  bool ok = false;
  for (int i = 0; i < 60 && !ok; ++i) {
    ok = negotiate({"PKI"}).status == 201;
    if (!ok) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_TRUE(ok) << "forwarding did not resume after CCF-B came back";
}

// A chain A - B - C (each linked to its neighbours over CAPIF-6): an API published at C reaches B and,
// through B, A; it never comes back to C or twice to B, and a peer that names a loop is refused.
TEST(InterconnectChain, PublicationLoopPrevention) {
  CcfProcess a{{"ccf-a"}}, b{{"ccf-b"}}, c{{"ccf-c"}};
  for (auto* x : {&a, &b, &c}) init_pki(*x);
  configure_peers(a, {{&b}});
  configure_peers(b, {{&a}, {&c}});
  configure_peers(c, {{&b}});
  for (auto* x : {&a, &b, &c}) x->start();
  auto provider = register_provider(c);
  publish(c, provider, shared_api("chained-api", provider.aef.id));
  auto inv_a = onboard_invoker(a), inv_b = onboard_invoker(b), inv_c = onboard_invoker(c);
  auto at_a = await_discovery(a, inv_a, "chained-api", 1);
  ASSERT_EQ(at_a.size(), 1u);
  EXPECT_EQ(at_a[0]["ccfId"], "ccf-c");
  EXPECT_EQ(at_a[0]["pubApiPath"]["ccfIds"], json::array({"ccf-c", "ccf-b"}));
  // Several sync intervals later nothing has multiplied anywhere.
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  EXPECT_EQ(discover(a, inv_a, "chained-api").size(), 1u);
  EXPECT_EQ(discover(b, inv_b, "chained-api").size(), 1u);
  EXPECT_EQ(discover(c, inv_c, "chained-api").size(), 1u);
  EXPECT_EQ(discover(b, inv_b, "chained-api")[0]["pubApiPath"]["ccfIds"], json::array({"ccf-c"}));
  // B trying to hand C's own API back to C is refused by C.
  auto api = shared_api("chained-api", provider.aef.id);
  api["pubApiPath"] = {{"ccfIds", {"ccf-c", "ccf-b"}}};
  auto r = send_json(*peer_client(b, c), "POST", published_url(c, "ccf-b"), api);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(body_json(r)["cause"], "PUBLICATION_LOOP");
}

// Peers that share discovery and security but not publication: CCF-A knows nothing of CCF-B's AEF until
// the invoker names it with its designated CCF; CCF-A then asks CCF-B's Discover API, and negotiation and
// tokens go through as for a published AEF. An AEF CCF-B does not share is refused with the entry named.
TEST(InterconnectDiscoverOnly, NegotiationFindsTheAefThroughThePeersDiscoverApi) {
  CcfProcess a{{"ccf-a"}}, b{{"ccf-b"}};
  start_linked_pair(a, b, "    share: [discover, security]\n");
  auto provider = register_provider(b);
  publish(b, provider, shared_api("found-api", provider.aef.id));
  auto hidden = register_provider(b);
  publish(b, hidden, shared_api("hidden-api", hidden.aef.id, false));
  auto inv = onboard_invoker(a);
  EXPECT_TRUE(discover(a, inv, "found-api").empty()) << "nothing is published to CCF-A";

  auto r = send_json(*inv.client, "PUT", trusted_url(a, inv.id), security_request(provider.aef.id, {"OAUTH"}, "ccf-b"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body_json(r)["securityInfo"][0]["selSecurityMethod"], "OAUTH");
  r = send(*inv.client, "POST", a.api_root() + "/capif-security/v1/securities/" + inv.id + "/token",
           "grant_type=client_credentials&client_id=" + inv.id + "&client_secret=" + inv.onboarding_secret +
               "&scope=3gpp%23" + provider.aef.id + "%3Afound-api",
           "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 200) << r.body;

  r = send_json(*inv.client, "PUT", trusted_url(a, inv.id), security_request(hidden.aef.id, {"OAUTH"}, "ccf-b"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("/securityInfo/0/aefId"), std::string::npos) << r.body;
}

// A peer whose trust anchor is this CCF's own CA could not be told apart from this CCF's own clients: the
// configuration is refused at start, with the reason.
TEST(InterconnectConfig, APeerAnchorThatIsOurOwnCaIsRefused) {
  CcfProcess a{{"ccf-a"}}, b{{"ccf-b"}};
  init_pki(a);
  init_pki(b);
  capif::crypto::write_file_atomic(b.dir() / "data" / "ca.crt", a.ca_pem(), false);  // b's "CA" file = a's CA
  configure_peers(a, {{&b}});
  EXPECT_THROW(a.start(), std::runtime_error);
  EXPECT_NE(capif::crypto::read_file(a.dir() / "stdout.log").find("its trust anchor is this CCF's own CA"),
            std::string::npos);
}

// Renegotiating without CCF-B's AEF makes CCF-B forget the invoker (told after the commit, off the
// request path): its AEF then gets 404 for the invoker.
TEST_F(Interconnect, RenegotiatingWithoutThePeersAefRevokesItThere) {
  ASSERT_EQ(negotiate({"PKI"}).status, 201);
  ASSERT_EQ(aef_reads(inv.id).status, 200);
  auto local = register_provider(a);
  publish(a, local, shared_api("local-api", local.aef.id, false));
  auto r = send_json(*inv.client, "PUT", trusted_url(a, inv.id), security_request(local.aef.id, {"PKI"}));
  ASSERT_EQ(r.status, 201) << r.body;
  int status = 0;
  for (int i = 0; i < 50 && status != 404; ++i) {
    status = aef_reads(inv.id).status;
    if (status != 404) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 404);
}
