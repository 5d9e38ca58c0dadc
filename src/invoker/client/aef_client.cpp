#include "invoker/client/aef_client.hpp"

#include "capif/crypto/encoding.hpp"
#include "invoker/errors.hpp"

#include <boost/asio/this_coro.hpp>
#include <nlohmann/json.hpp>

namespace capif::invoker {
using nlohmann::json;

std::string aef_origin(const model::AefProfile& profile) {
  if (profile.interfaceDescriptions && !profile.interfaceDescriptions->empty()) {
    const auto& i = profile.interfaceDescriptions->front();
    std::string host = i.ipv4Addr ? *i.ipv4Addr : i.ipv6Addr ? "[" + *i.ipv6Addr + "]" : i.fqdn.value_or("");
    if (host.empty()) throw local_error("AEF " + profile.aefId + ": interface without address");
    return "https://" + host + ":" + std::to_string(i.port.value_or(443));
  }
  if (profile.domainName && !profile.domainName->empty()) {
    std::string d = *profile.domainName;
    if (d.starts_with("https://")) d.erase(0, 8);
    while (!d.empty() && d.back() == '/') d.pop_back();
    return "https://" + d;
  }
  throw local_error("AEF " + profile.aefId + " has neither interfaceDescriptions nor domainName");
}

std::string aef_api_url(const model::AefProfile& profile, std::string_view target) {
  std::string prefix;
  if (profile.interfaceDescriptions && !profile.interfaceDescriptions->empty())
    prefix = profile.interfaceDescriptions->front().apiPrefix.value_or("");
  if (!prefix.empty() && prefix.front() != '/') prefix.insert(0, "/");
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  std::string t(target);
  if (t.empty() || (t.front() != '/' && t.front() != '?')) t.insert(0, "/");
  return aef_origin(profile) + prefix + t;
}

bool security_method_invalid(int status, std::string_view body) {
  if (status != 401 && status != 403) return false;
  auto j = json::parse(body, nullptr, false);
  return j.is_object() && j.contains("cause") && j["cause"].is_string() &&
         j["cause"].get<std::string>() == "SECURITY_METHOD_INVALID";
}

http::ClientConfig aef_client_config(const CcfSettings& ccf, const InvokerIdentity& id,
                                     const AefTarget& target, const std::string& method) {
  http::ClientConfig c;
  // A remote AEF's certificate is issued by its designated CCF's CA, not by ours.
  c.ca_pem = target.designated_ccf_id.empty() ? ccf.ca_pem : target.trust_anchor_pem;
  if (method == "PSK") {
    // A TLS-PSK handshake has no server certificate: the AEF proves itself by knowing the AEFPSK.
    c.psk_identity = id.invoker_id;
    c.psk_key = target.psk_key;
    c.verify_host = false;
  } else {
    c.expected_server_cn = target.aef_id;
    c.verify_host = false;  // the CN (= aefId), not the host name, identifies an AEF
    if (method == "PKI") {
      // Also toward a remote AEF: our certificate from our CCF; the AEF learns our CCF's CA from its own.
      c.client_cert_pem = id.cert_pem;
      c.client_key_pem = id.key_pem;
    }
  }
  return c;
}

json check_authentication_body(const CcfSettings& ccf, const InvokerIdentity& id, const AefTarget& target) {
  json body{{"apiInvokerId", id.invoker_id}, {"supportedFeatures", "0"}};
  if (!target.designated_ccf_id.empty()) {
    if (ccf.ccf_id.empty())
      throw local_error("AEF " + target.aef_id + " is registered at CCF " + target.designated_ccf_id +
                        " and needs the id of the CCF we onboarded at, which is unknown (onboard with "
                        "--ccf-id, or set ccf.ccf_id in the sidecar configuration)");
    body["onboardedCcfId"] = ccf.ccf_id;  // extension (interconnection)
  }
  return body;
}

http::ClientResponse check_authentication(const CcfSettings& ccf, const InvokerIdentity& id,
                                          const AefTarget& target) {
  auto body = check_authentication_body(ccf, id, target);
  http::BlockingClient client(aef_client_config(ccf, id, target, target.method == "PKI" ? "PKI" : ""));
  http::ClientRequest req;
  req.method = "POST";
  req.url = aef_origin(target.profile) + "/aef-security/v1/check-authentication";
  req.content_type = "application/json";
  req.body = body.dump();
  auto r = client.request(std::move(req));
  if (!r.ok())
    throw InvokerError(ErrorKind::transport,
                       "AEF " + target.aef_id + " check-authentication failed: " + r.error);
  return r;
}

std::shared_ptr<http::HttpsClient> AefConnector::client_for(boost::asio::any_io_executor ex,
                                                            const AefTarget& t) {
  const std::string method = t.method == "OAUTH" ? "" : t.method;
  const std::string key = t.aef_id + "|" + method + "|" +
                          (t.psk_key.empty() ? "" : crypto::sha256_hex(t.psk_key)) + "|" +
                          (t.trust_anchor_pem.empty() ? "" : crypto::sha256_hex(t.trust_anchor_pem));
  std::lock_guard lock(mu_);
  auto& c = clients_[key];
  if (!c) c = std::make_shared<http::HttpsClient>(ex, aef_client_config(ccf_, id_, t, method));
  return c;
}

boost::asio::awaitable<http::ClientResponse> AefConnector::forward(const AefTarget& target,
                                                                   std::string target_path,
                                                                   http::ClientRequest request) {
  request.url = aef_api_url(target.profile, target_path);
  if (target.method == "OAUTH") request.headers.emplace_back("Authorization", "Bearer " + target.token);
  auto client = client_for(co_await boost::asio::this_coro::executor, target);
  co_return co_await client->request(std::move(request));
}

void AefConnector::forget(const std::string& aef_id) {
  std::lock_guard lock(mu_);
  std::erase_if(clients_, [&](const auto& kv) { return kv.first.starts_with(aef_id + "|"); });
}

}  // namespace capif::invoker
