#pragma once
// Outbound messages of a revocation: a RevokeAuthorizationReq to each affected AEF and a
// SecurityNotification to the invoker. They go to the outbox with the revocation itself and are delivered
// by notification_delivery (retried until delivered or given up), never on the request path.
#include "ccf/service/security_api.hpp"

#include <boost/asio/any_io_executor.hpp>

namespace capif::ccf {

std::vector<OutboxMessage> revocation_messages(const RevocationOutcome& outcome);

// CAPIF-6/6e: tells each peer CCF of outcome.peers that outcome.invoker_id is revoked (detached, retried).
void spawn_peer_revocations(boost::asio::any_io_executor executor, const CcfContext& ctx,
                            const RevocationOutcome& outcome);

}  // namespace capif::ccf
