#include "ccf/service/security_notifier.hpp"

#include "capif/http/uri.hpp"

namespace capif::ccf {

std::vector<OutboxMessage> revocation_messages(const RevocationOutcome& outcome) {
  std::vector<OutboxMessage> out;
  for (const auto& call : outcome.aef_calls) {
    OutboxMessage m;
    m.queue = "aef:" + call.aef_id;  // in order per AEF: a later revocation never overtakes an earlier one
    m.kind = "RevokeAuthorization";
    m.url = call.url;
    m.body = model::to_json(call.body).dump();
    m.server_cn = call.aef_id;  // the AEF's certificate has CN = aefId, not a host name
    out.push_back(std::move(m));
  }
  if (outcome.invoker_destination) {
    OutboxMessage m;
    m.queue = "inv:" + outcome.notification.apiInvokerId;
    m.kind = "SecurityNotification";
    m.url = *outcome.invoker_destination;
    m.body = model::to_json(outcome.notification).dump();
    m.allow_plain_http = true;  // an invoker sidecar listens on plain HTTP on loopback
    out.push_back(std::move(m));
  }
  for (const auto& peer : outcome.peers) {
    // CAPIF-6/6e: the peer forgets the invoker (DELETE trustedInvokers at it); delivered by the outbox
    // worker with its own client for the peer (notification_delivery.cpp).
    OutboxMessage m;
    m.queue = "peer:" + peer;
    m.kind = "PeerRevocation";
    m.url = "/capif-security/v1/trustedInvokers/" + http::percent_encode(outcome.invoker_id);
    m.server_cn = peer;
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace capif::ccf
