#include "ccf/interconnect/sharing.hpp"

#include <algorithm>

namespace capif::ccf {
namespace {
bool contains(const std::optional<std::vector<std::string>>& v, const std::string& s) {
  return v && std::find(v->begin(), v->end(), s) != v->end();
}
}  // namespace

bool published_here(const ServiceApiRecord& rec, const CcfStore& store) {
  return store.domain_of_function(rec.apf_id).has_value();
}

std::string designated_ccf_of(const ServiceApiRecord& rec, const CcfStore& store) {
  if (published_here(rec, store)) return {};
  return rec.api.ccfId.value_or(rec.apf_id);
}

bool shareable_to(const ServiceApiRecord& rec, const config::CcfConfig::Peer& peer, const config::CcfConfig& cfg,
                  const CcfStore& store) {
  const auto& api = rec.api;
  if (!api.shareableInfo || !api.shareableInfo->isShareable) return false;
  const bool six_e = peer.link == "CAPIF-6e";
  const auto& doms = api.shareableInfo->capifProvDoms;
  if (six_e && doms && !doms->empty() && !contains(doms, peer.provider_domain)) return false;
  if (!published_here(rec, store)) {
    const auto* from = cfg.peer(rec.apf_id);
    if (!from || six_e || from->link != "CAPIF-6" || from->id == peer.id) return false;
    if (api.ccfId == peer.id) return false;
    if (api.pubApiPath && contains(api.pubApiPath->ccfIds, peer.id)) return false;
  }
  return true;
}

model::ServiceAPIDescription publication_for(const ServiceApiRecord& rec, const config::CcfConfig::Peer& peer,
                                             const std::string& own_id, const CcfStore& store) {
  auto api = rec.api;
  api.apiId.reset();
  // Our own APIs are served by us, whatever ccfId an APF wrote; relayed ones keep their serving CCF.
  if (published_here(rec, store) || !api.ccfId) api.ccfId = own_id;
  if (peer.link == "CAPIF-6") {
    if (!api.pubApiPath) api.pubApiPath.emplace();
    if (!api.pubApiPath->ccfIds) api.pubApiPath->ccfIds.emplace();
    if (!contains(api.pubApiPath->ccfIds, own_id)) api.pubApiPath->ccfIds->push_back(own_id);
  } else {
    api.pubApiPath.reset();  // the path is a CAPIF-6 (one provider) notion
  }
  return api;
}

}  // namespace capif::ccf
