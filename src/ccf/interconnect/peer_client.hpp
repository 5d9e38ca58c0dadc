#pragma once
// What the CCF services ask of a peer CCF over CAPIF-6/6e, as plain typed calls. The HTTP implementation
// reuses the TS 29.222 APIs with this CCF as the client (docs/interconnect.md); services see only this
// interface. Every call throws ApiError: the peer's own ProblemDetails when it said no (status and cause
// kept, detail prefixed with the peer id), or 502/503/504 naming the peer when it could not be asked.
#include "capif/model/publish_service_api.hpp"
#include "capif/http/client.hpp"
#include "capif/model/security_api.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace capif::ccf {

// A token endpoint answer relayed as is (AccessTokenRsp or AccessTokenErr).
struct RelayedAnswer {
  int status = 0;
  std::string body;
};

class PeerClient {
 public:
  virtual ~PeerClient() = default;
  // CAPIF_Publish_Service_API with {apfId} = our CCF id. publish returns the apiId the peer assigned.
  virtual boost::asio::awaitable<std::string> publish(const std::string& peer,
                                                      const model::ServiceAPIDescription& api) = 0;
  virtual boost::asio::awaitable<void> update(const std::string& peer, const std::string& remote_api_id,
                                              const model::ServiceAPIDescription& api) = 0;
  // A publication the peer no longer has counts as withdrawn.
  virtual boost::asio::awaitable<void> unpublish(const std::string& peer, const std::string& remote_api_id) = 0;
  virtual boost::asio::awaitable<std::vector<std::string>> published_ids(const std::string& peer) = 0;
  // CAPIF_Discover_Service_API with api-invoker-id = our CCF id; query = the other query parameters.
  virtual boost::asio::awaitable<std::vector<model::ServiceAPIDescription>> discover(
      const std::string& peer, const std::string& query) = 0;
  // CAPIF_Security_API: the forwarded negotiation (PUT trustedInvokers), the security information of one
  // AEF (GET with aefId), revocation (DELETE), and a forwarded token request.
  virtual boost::asio::awaitable<model::ServiceSecurity> negotiate(const std::string& peer,
                                                                   const std::string& invoker_id,
                                                                   const model::ServiceSecurity& body) = 0;
  virtual boost::asio::awaitable<model::ServiceSecurity> security_info(const std::string& peer,
                                                                       const std::string& invoker_id,
                                                                       const std::string& aef_id) = 0;
  virtual boost::asio::awaitable<void> revoke(const std::string& peer, const std::string& invoker_id) = 0;
  virtual boost::asio::awaitable<RelayedAnswer> token(const std::string& peer, const std::string& invoker_id,
                                                      const std::string& scope) = 0;
};

class Peers;
class HttpPeerClient final : public PeerClient {
 public:
  HttpPeerClient(Peers& peers, std::string own_ccf_id) : peers_(peers), own_id_(std::move(own_ccf_id)) {}
  boost::asio::awaitable<std::string> publish(const std::string& peer,
                                              const model::ServiceAPIDescription& api) override;
  boost::asio::awaitable<void> update(const std::string& peer, const std::string& remote_api_id,
                                      const model::ServiceAPIDescription& api) override;
  boost::asio::awaitable<void> unpublish(const std::string& peer, const std::string& remote_api_id) override;
  boost::asio::awaitable<std::vector<std::string>> published_ids(const std::string& peer) override;
  boost::asio::awaitable<std::vector<model::ServiceAPIDescription>> discover(const std::string& peer,
                                                                             const std::string& query) override;
  boost::asio::awaitable<model::ServiceSecurity> negotiate(const std::string& peer, const std::string& invoker_id,
                                                           const model::ServiceSecurity& body) override;
  boost::asio::awaitable<model::ServiceSecurity> security_info(const std::string& peer,
                                                               const std::string& invoker_id,
                                                               const std::string& aef_id) override;
  boost::asio::awaitable<void> revoke(const std::string& peer, const std::string& invoker_id) override;
  boost::asio::awaitable<RelayedAnswer> token(const std::string& peer, const std::string& invoker_id,
                                              const std::string& scope) override;

 private:
  boost::asio::awaitable<http::ClientResponse> send(const std::string& peer, std::string method, std::string path,
                                                    std::string body = {}, std::string content_type = {});
  Peers& peers_;
  std::string own_id_;
};

}  // namespace capif::ccf
