#include "aef/ccf_client.hpp"

#include "capif/http/client.hpp"
#include "capif/http/uri.hpp"

#include <map>
#include <mutex>

namespace capif::aef {
namespace {

CcfReply to_reply(const http::ClientResponse& r) {
  CcfReply out;
  out.error = r.error;
  out.status = r.status;
  if (const auto* l = r.header("location")) out.location = *l;
  if (!r.body.empty()) out.body = nlohmann::json::parse(r.body, nullptr, false);
  if (out.body.is_discarded()) out.body = nullptr;
  return out;
}

std::string enc(const std::string& s) {
  return http::percent_encode(s);
}

class HttpsCcfClient final : public CcfClient {
 public:
  HttpsCcfClient(boost::asio::any_io_executor ex, std::string root, std::string aef_id, std::string ca,
                 TlsIdentity id)
      : root_(std::move(root)), aef_id_(std::move(aef_id)), client_(ex, [&] {
          http::ClientConfig c;
          c.ca_pem = std::move(ca);
          c.client_cert_pem = id.cert_pem;
          c.client_key_pem = id.key_pem;
          c.connect_timeout = std::chrono::milliseconds(3000);
          c.request_timeout = std::chrono::milliseconds(5000);
          return c;
        }()) {}

  boost::asio::awaitable<CcfReply> trusted_invoker(std::string invoker_id,
                                                   std::string onboarded_ccf_id) override {
    std::string url = root_ + "/capif-security/v1/trustedInvokers/" + enc(invoker_id) +
                      "?authenticationInfo=true&authorizationInfo=true";
    if (!onboarded_ccf_id.empty()) url += "&onboardedCcfId=" + enc(onboarded_ccf_id);
    co_return co_await get(std::move(url));
  }
  boost::asio::awaitable<CcfReply> access_control_policy(std::string api_id,
                                                         std::string invoker_id) override {
    co_return co_await get(root_ + "/access-control-policy/v1/accessControlPolicyList/" + enc(api_id) +
                           "?aef-id=" + enc(aef_id_) + "&api-invoker-id=" + enc(invoker_id));
  }
  boost::asio::awaitable<CcfReply> jwks() override {
    co_return co_await get(root_ + "/capif-security/v1/jwks");
  }
  boost::asio::awaitable<CcfReply> post_logs(std::string log) override {
    http::ClientRequest req;
    req.method = "POST";
    req.url = root_ + "/api-invocation-logs/v1/" + enc(aef_id_) + "/logs";
    req.body = std::move(log);
    req.content_type = "application/json";
    auto resp = co_await client_.request(std::move(req));
    if (resp.ok() && resp.status / 100 == 2) resp.body.clear();  // the echo of what we sent: not parsed
    co_return to_reply(resp);
  }
  void reload_tls(const std::string& ca_pem, const TlsIdentity& aef) override {
    client_.reload_tls(ca_pem, aef.cert_pem, aef.key_pem);
  }

 private:
  boost::asio::awaitable<CcfReply> get(std::string url) {
    http::ClientRequest req;
    req.url = std::move(url);
    co_return to_reply(co_await client_.request(std::move(req)));
  }
  std::string root_, aef_id_;
  http::HttpsClient client_;
};

class HttpsProviderCcf final : public ProviderCcf {
 public:
  HttpsProviderCcf(std::string root, std::string ca) : root_(std::move(root)), ca_(std::move(ca)) {}

  CcfReply register_domain(const nlohmann::json& body, const std::string& credential) override {
    return send(client({}), "POST", root_ + "/api-provider-management/v1/registrations", body,
                {{"Authorization", "Bearer " + credential}});
  }
  CcfReply publish(const TlsIdentity& apf, const std::string& apf_id, const nlohmann::json& body) override {
    return send(client(apf), "POST", root_ + "/published-apis/v1/" + enc(apf_id) + "/service-apis", body, {});
  }
  CcfReply update(const TlsIdentity& apf, const std::string& apf_id, const std::string& api_id,
                  const nlohmann::json& body) override {
    return send(client(apf), "PUT",
                root_ + "/published-apis/v1/" + enc(apf_id) + "/service-apis/" + enc(api_id), body, {});
  }

 private:
  http::BlockingClient& client(const TlsIdentity& id) {
    auto& c = clients_[id.cert_pem];
    if (!c) {
      http::ClientConfig cfg;
      cfg.ca_pem = ca_;
      cfg.client_cert_pem = id.cert_pem;
      cfg.client_key_pem = id.key_pem;
      c = std::make_unique<http::BlockingClient>(cfg);
    }
    return *c;
  }
  static CcfReply send(http::BlockingClient& c, const char* method, std::string url,
                       const nlohmann::json& body, std::vector<std::pair<std::string, std::string>> headers) {
    http::ClientRequest req;
    req.method = method;
    req.url = std::move(url);
    req.body = body.dump();
    req.content_type = "application/json";
    req.headers = std::move(headers);
    return to_reply(c.request(std::move(req)));
  }
  std::string root_, ca_;
  std::map<std::string, std::unique_ptr<http::BlockingClient>> clients_;
};

}  // namespace

std::string CcfReply::describe() const {
  if (!error.empty()) return error;
  std::string d = std::to_string(status);
  if (body.is_object() && body.contains("detail") && body["detail"].is_string())
    d += ": " + body["detail"].get<std::string>();
  return d;
}

std::unique_ptr<CcfClient> make_https_ccf_client(boost::asio::any_io_executor executor, std::string api_root,
                                                 std::string aef_id, std::string ca_pem, TlsIdentity aef) {
  return std::make_unique<HttpsCcfClient>(executor, std::move(api_root), std::move(aef_id), std::move(ca_pem),
                                          std::move(aef));
}

std::unique_ptr<ProviderCcf> make_https_provider_ccf(std::string api_root, std::string ca_pem) {
  return std::make_unique<HttpsProviderCcf>(std::move(api_root), std::move(ca_pem));
}

}  // namespace capif::aef
