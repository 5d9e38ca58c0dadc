#include "ccf/service/discover_service_api.hpp"

#include "ccf/interconnect/sharing.hpp"

namespace capif::ccf {

std::string DiscoverService::discover(const Principal& caller, const model::DiscoverQuery& query) const {
  if (caller.id != query.apiInvokerId)
    throw ApiError(403, "Forbidden", "api-invoker-id must be the caller's own API invoker id", "FORBIDDEN",
                   {{"api-invoker-id", "does not match the client certificate"}});
  std::string body = "{\"serviceAPIDescriptions\":[";
  bool any = false;
  // CAPIF-6/6e: a peer CCF (api-invoker-id = its CCF id) sees what we share with it, with ccfId = the
  // CCF serving the AEFs, and never the APIs it published here itself.
  const config::CcfConfig::Peer* peer =
      caller.kind == PrincipalKind::peer_ccf ? ctx_.config.peer(caller.id) : nullptr;
  if (peer && !peer->shares("discover"))
    throw ApiError::forbidden("discovery is not shared with peer CCF " + caller.id);
  ctx_.store.for_each_api(query.apiName, query.apiName ? std::nullopt : query.aefId,
                          [&](const ServiceApiRecord& rec) {
                            if (!model::matches(rec.api, query)) return;
                            if (peer && !shareable_to(rec, *peer, ctx_.config, ctx_.store)) return;
                            if (any) body += ',';
                            if (peer) {
                              auto api = publication_for(rec, *peer, ctx_.config.ccf.id, ctx_.store);
                              api.apiId = rec.api.apiId;
                              body += discovery_json(api);
                            } else {
                              body += rec.discovery_json;
                            }
                            any = true;
                          });
  // serviceAPIDescriptions has minItems 1: no match is an empty DiscoveredAPIs object.
  return any ? body + "]}" : "{}";
}

}  // namespace capif::ccf
