#pragma once
// Outbound messages of a revocation: a RevokeAuthorizationReq to each affected AEF, a SecurityNotification
// to the invoker and, over CAPIF-6/6e, a revocation to each peer CCF of outcome.peers. They go to the outbox
// with the revocation itself and are delivered by notification_delivery (retried until delivered or given
// up), never on the request path.
#include "ccf/service/security_api.hpp"

namespace capif::ccf {

std::vector<OutboxMessage> revocation_messages(const RevocationOutcome& outcome);

}  // namespace capif::ccf
