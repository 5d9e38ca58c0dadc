#include "capif_parties.hpp"

#include "capif/crypto/pki.hpp"

#include <stdexcept>

namespace capif::testing {

std::unique_ptr<http::BlockingClient> make_client(const CcfProcess& ccf, const std::string& cert_pem,
                                                  const std::string& key_pem) {
  http::ClientConfig cfg;
  cfg.ca_pem = ccf.ca_pem();
  cfg.client_cert_pem = cert_pem;
  cfg.client_key_pem = key_pem;
  return std::make_unique<http::BlockingClient>(cfg);
}

http::ClientResponse send(http::BlockingClient& client, const std::string& method, const std::string& url,
                          const std::string& body, const std::string& content_type,
                          std::vector<std::pair<std::string, std::string>> headers) {
  http::ClientRequest req;
  req.method = method;
  req.url = url;
  req.body = body;
  req.content_type = content_type;
  req.headers = std::move(headers);
  return client.request(std::move(req));
}

json body_json(const http::ClientResponse& r) {
  try {
    return json::parse(r.body);
  } catch (...) {
    return json::object();
  }
}

std::string invokers_url(const CcfProcess& ccf) {
  return ccf.api_root() + "/api-invoker-management/v1/onboardedInvokers";
}
std::string registrations_url(const CcfProcess& ccf) {
  return ccf.api_root() + "/api-provider-management/v1/registrations";
}
std::string published_url(const CcfProcess& ccf, const std::string& apf_id) {
  return ccf.api_root() + "/published-apis/v1/" + apf_id + "/service-apis";
}
std::string discover_url(const CcfProcess& ccf, const std::string& invoker_id, const std::string& extra) {
  return ccf.api_root() + "/service-apis/v1/allServiceAPIs?api-invoker-id=" + invoker_id + extra;
}

json onboarding_body(const std::string& csr_pem) {
  return {{"notificationDestination", "https://127.0.0.1:1/notifications"},
          {"onboardingInformation", {{"apiInvokerPublicKey", csr_pem}}},
          {"apiInvokerInformation", "test invoker"}};
}

Invoker onboard_invoker(const CcfProcess& ccf) {
  Invoker inv;
  inv.key_pem = crypto::generate_ec_key_pem();
  auto anon = make_client(ccf);
  auto r = send_json(*anon, "POST", invokers_url(ccf),
                     onboarding_body(crypto::make_csr_pem(inv.key_pem, "invoker")),
                     {{"Authorization", "Bearer " + ccf.credential("invoker")}});
  if (r.status != 201)
    throw std::runtime_error("onboarding failed: " + std::to_string(r.status) + " " + r.body + r.error);
  inv.enrolment = body_json(r);
  inv.id = inv.enrolment.at("apiInvokerId");
  inv.cert_pem = inv.enrolment.at("onboardingInformation").at("apiInvokerCertificate");
  inv.onboarding_secret = inv.enrolment.at("onboardingInformation").at("onboardingSecret");
  inv.client = make_client(ccf, inv.cert_pem, inv.key_pem);
  return inv;
}

json registration_body(const std::string& amf_csr, const std::string& apf_csr, const std::string& aef_csr) {
  auto fn = [](const std::string& role, const std::string& csr) {
    return json{{"apiProvFuncRole", role},
                {"regInfo", {{"apiProvPubKey", csr}}},
                {"apiProvFuncInfo", role + " of test"}};
  };
  return {{"regSec", "see Authorization"},
          {"apiProvDomInfo", "test provider"},
          {"apiProvFuncs", json::array({fn("AMF", amf_csr), fn("APF", apf_csr), fn("AEF", aef_csr)})}};
}

Provider register_provider(const CcfProcess& ccf) {
  Provider p;
  for (Identity* id : {&p.amf, &p.apf, &p.aef}) id->key_pem = crypto::generate_ec_key_pem();
  auto anon = make_client(ccf);
  auto body = registration_body(crypto::make_csr_pem(p.amf.key_pem, "amf"),
                                crypto::make_csr_pem(p.apf.key_pem, "apf"),
                                crypto::make_csr_pem(p.aef.key_pem, "aef"));
  auto r = send_json(*anon, "POST", registrations_url(ccf), body,
                     {{"Authorization", "Bearer " + ccf.credential("provider")}});
  if (r.status != 201)
    throw std::runtime_error("registration failed: " + std::to_string(r.status) + " " + r.body);
  p.registration = body_json(r);
  p.dom_id = p.registration.at("apiProvDomId");
  for (const auto& f : p.registration.at("apiProvFuncs")) {
    const std::string role = f.at("apiProvFuncRole");
    Identity& id = role == "AMF" ? p.amf : role == "APF" ? p.apf : p.aef;
    id.id = f.at("apiProvFuncId");
    id.cert_pem = f.at("regInfo").at("apiProvCert");
    id.client = make_client(ccf, id.cert_pem, id.key_pem);
  }
  return p;
}

json service_api_body(const std::string& api_name, const std::string& aef_id) {
  return {
      {"apiName", api_name},
      {"description", "test API " + api_name},
      {"aefProfiles",
       json::array(
           {{{"aefId", aef_id},
             {"versions", json::array({{{"apiVersion", "v1"},
                                        {"resources", json::array({{{"resourceName", "items"},
                                                                    {"commType", "REQUEST_RESPONSE"},
                                                                    {"uri", "/items"},
                                                                    {"operations", {"GET", "POST"}}}})}}})},
             {"protocol", "HTTP_1_1"},
             {"dataFormat", "JSON"},
             {"securityMethods", {"PKI", "OAUTH"}},
             {"interfaceDescriptions",
              json::array({{{"ipv4Addr", "127.0.0.1"}, {"port", 9443}, {"apiPrefix", "/" + api_name}}})}}})},
      {"shareableInfo", {{"isShareable", false}}}};
}

json publish(const CcfProcess& ccf, Provider& provider, const json& api) {
  auto r = send_json(*provider.apf.client, "POST", published_url(ccf, provider.apf.id), api);
  if (r.status != 201)
    throw std::runtime_error("publish failed: " + std::to_string(r.status) + " " + r.body + r.error);
  return body_json(r);
}

}  // namespace capif::testing
