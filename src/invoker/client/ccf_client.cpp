#include "invoker/client/ccf_client.hpp"

#include "capif/http/client.hpp"
#include "capif/http/uri.hpp"
#include "invoker/errors.hpp"

namespace capif::invoker {
using nlohmann::json;

namespace {

class HttpCcfClient final : public CcfApi {
 public:
  HttpCcfClient(CcfSettings ccf, const InvokerIdentity* identity, CcfClientOptions options)
      : ccf_(std::move(ccf)), options_(options) {
    if (identity) identity_ = *identity;
  }

  CcfAnswer onboard(const std::string& credential, const json& enrolment) override {
    return exchange(anonymous(), "POST", root() + "/api-invoker-management/v1/onboardedInvokers",
                    enrolment.dump(), "application/json", {{"Authorization", "Bearer " + credential}});
  }
  CcfAnswer offboard(const std::string& invoker_id) override {
    return exchange(
        mutual(), "DELETE",
        root() + "/api-invoker-management/v1/onboardedInvokers/" + http::percent_encode(invoker_id));
  }
  CcfAnswer discover(const std::string& invoker_id, const http::QueryParams& filters) override {
    std::string url =
        root() + "/service-apis/v1/allServiceAPIs?api-invoker-id=" + http::percent_encode(invoker_id);
    for (const auto& [k, v] : filters) url += "&" + k + "=" + http::percent_encode(v);
    return exchange(mutual(), "GET", url);
  }
  CcfAnswer negotiate(const std::string& invoker_id, const json& body, bool update) override {
    std::string url = root() + "/capif-security/v1/trustedInvokers/" + http::percent_encode(invoker_id);
    if (update) url += "/update";
    return exchange(negotiation(), update ? "POST" : "PUT", url, body.dump(), "application/json");
  }
  CcfAnswer token(const std::string& invoker_id, const std::string& secret,
                  const std::string& scope) override {
    std::string form = "grant_type=client_credentials&client_id=" + http::percent_encode(invoker_id) +
                       "&client_secret=" + http::percent_encode(secret) +
                       "&scope=" + http::percent_encode(scope);
    return exchange(mutual(), "POST",
                    root() + "/capif-security/v1/securities/" + http::percent_encode(invoker_id) + "/token",
                    form, "application/x-www-form-urlencoded");
  }

 private:
  std::string root() const {
    std::string r = ccf_.api_root;
    while (!r.empty() && r.back() == '/') r.pop_back();
    return r;
  }
  http::ClientConfig base() const {
    http::ClientConfig c;
    c.ca_pem = ccf_.ca_pem;
    return c;
  }
  http::BlockingClient& anonymous() {
    if (!anon_) anon_ = std::make_unique<http::BlockingClient>(base());
    return *anon_;
  }
  http::ClientConfig mutual_config() const {
    if (!identity_) throw local_error("not onboarded: no invoker certificate");
    auto c = base();
    c.client_cert_pem = identity_->cert_pem;
    c.client_key_pem = identity_->key_pem;
    return c;
  }
  http::BlockingClient& mutual() {
    if (!mtls_) mtls_ = std::make_unique<http::BlockingClient>(mutual_config());
    return *mtls_;
  }
  // Negotiation gets a client of its own so that --tls12 applies to it alone.
  http::BlockingClient& negotiation() {
    if (!options_.tls12_for_negotiation) return mutual();
    if (!neg_) {
      auto c = mutual_config();
      c.max_tls_version = "1.2";
      neg_ = std::make_unique<http::BlockingClient>(c);
    }
    return *neg_;
  }

  CcfAnswer exchange(http::BlockingClient& client, const std::string& method, const std::string& url,
                     std::string body = {}, std::string content_type = {},
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::ClientRequest req;
    req.method = method;
    req.url = url;
    req.body = std::move(body);
    req.content_type = std::move(content_type);
    req.headers = std::move(headers);
    req.headers.emplace_back("Accept", "application/json");
    auto r = client.request(std::move(req));
    if (!r.ok())
      throw InvokerError(ErrorKind::transport, "CCF " + method + " " + url + " failed: " + r.error);
    CcfAnswer a;
    a.status = r.status;
    a.raw = std::move(r.body);
    a.tls = std::move(r.tls);
    if (!a.raw.empty()) a.body = json::parse(a.raw, nullptr, false);
    if (a.body.is_discarded()) a.body = nullptr;
    return a;
  }

  CcfSettings ccf_;
  std::optional<InvokerIdentity> identity_;
  CcfClientOptions options_;
  std::unique_ptr<http::BlockingClient> anon_, mtls_, neg_;
};

}  // namespace

std::unique_ptr<CcfApi> make_ccf_client(const CcfSettings& ccf, const InvokerIdentity* identity,
                                        CcfClientOptions options) {
  return std::make_unique<HttpCcfClient>(ccf, identity, options);
}

void throw_remote(const std::string& what, const CcfAnswer& a) {
  std::string msg = what + " refused with HTTP " + std::to_string(a.status);
  if (a.body.is_object()) {
    if (a.body.contains("detail") && a.body["detail"].is_string())
      msg += ": " + a.body["detail"].get<std::string>();
    else if (a.body.contains("error_description") && a.body["error_description"].is_string())
      msg += ": " + a.body["error_description"].get<std::string>();
    else if (a.body.contains("error") && a.body["error"].is_string())
      msg += ": " + a.body["error"].get<std::string>();
  }
  throw InvokerError(ErrorKind::remote, msg, a.status, a.body.is_null() ? json(a.raw) : a.body);
}

}  // namespace capif::invoker
