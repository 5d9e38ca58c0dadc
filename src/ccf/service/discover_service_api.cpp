#include "ccf/service/discover_service_api.hpp"

namespace capif::ccf {

std::string DiscoverService::discover(const Principal& caller, const model::DiscoverQuery& query) const {
  if (caller.id != query.apiInvokerId)
    throw ApiError(403, "Forbidden", "api-invoker-id must be the caller's own API invoker id", "FORBIDDEN",
                   {{"api-invoker-id", "does not match the client certificate"}});
  std::string body = "{\"serviceAPIDescriptions\":[";
  bool any = false;
  ctx_.store.for_each_api(query.apiName, query.apiName ? std::nullopt : query.aefId,
                          [&](const ServiceApiRecord& rec) {
                            if (!model::matches(rec.api, query)) return;
                            if (any) body += ',';
                            body += rec.discovery_json;
                            any = true;
                          });
  // serviceAPIDescriptions has minItems 1: no match is an empty DiscoveredAPIs object.
  return any ? body + "]}" : "{}";
}

}  // namespace capif::ccf
