#pragma once
// Outbound calls after a revocation: RevokeAuthorizationReq to the affected AEFs and a SecurityNotification
// to the invoker. Best effort with a timeout, run detached on the handler's executor so that a slow or
// absent peer never delays the answer to the revoking request.
#include "ccf/service/security_api.hpp"

#include <boost/asio/any_io_executor.hpp>

namespace capif::ccf {

// Copies what it needs: it may outlive the request.
void spawn_revocation_delivery(boost::asio::any_io_executor executor, const CcfContext& ctx,
                               RevocationOutcome outcome);

}  // namespace capif::ccf
