#pragma once
// Test-side CAPIF parties (invokers, provider domains) that talk to a real CCF over real HTTPS.
#include "capif/http/client.hpp"
#include "ccf_process.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace capif::testing {

using nlohmann::json;

struct Identity {
  std::string id;
  std::string key_pem;
  std::string cert_pem;
  std::unique_ptr<http::BlockingClient> client;  // mutual TLS with this identity's certificate
};

struct Invoker : Identity {
  std::string onboarding_secret;
  json enrolment;
};

struct Provider {
  std::string dom_id;
  Identity amf, apf, aef;
  json registration;
};

// A client that trusts the CCF and presents no certificate (or the given one).
std::unique_ptr<http::BlockingClient> make_client(const CcfProcess& ccf, const std::string& cert_pem = {},
                                                  const std::string& key_pem = {});

http::ClientResponse send(http::BlockingClient& client, const std::string& method, const std::string& url,
                          const std::string& body = {}, const std::string& content_type = {},
                          std::vector<std::pair<std::string, std::string>> headers = {});
inline http::ClientResponse send_json(http::BlockingClient& client, const std::string& method,
                                      const std::string& url, const json& body,
                                      std::vector<std::pair<std::string, std::string>> headers = {}) {
  return send(client, method, url, body.dump(), "application/json", std::move(headers));
}
json body_json(const http::ClientResponse& r);  // {} when the body is not JSON

json onboarding_body(const std::string& csr_pem);
Invoker onboard_invoker(const CcfProcess& ccf);
json registration_body(const std::string& amf_csr, const std::string& apf_csr, const std::string& aef_csr);
Provider register_provider(const CcfProcess& ccf);
json service_api_body(const std::string& api_name, const std::string& aef_id);
// Publishes and returns the created description (throws on a non-201 answer).
json publish(const CcfProcess& ccf, Provider& provider, const json& api);

std::string invokers_url(const CcfProcess& ccf);
std::string registrations_url(const CcfProcess& ccf);
std::string published_url(const CcfProcess& ccf, const std::string& apf_id);
std::string discover_url(const CcfProcess& ccf, const std::string& invoker_id,
                         const std::string& extra_query = {});

}  // namespace capif::testing
