#pragma once
// Which service APIs cross to which peer CCF, and in what form (TS 29.222 5.3.2.2.3, docs/interconnect.md).
#include "capif/config/ccf_config.hpp"
#include "ccf/store/ccf_store.hpp"

namespace capif::ccf {

// shareableInfo.isShareable, capifProvDoms on CAPIF-6e, and for an API a peer published here: only
// onward over CAPIF-6 links, never back to a CCF already in its pubApiPath (loop prevention).
bool shareable_to(const ServiceApiRecord& rec, const config::CcfConfig::Peer& peer, const config::CcfConfig& cfg);

// The publication sent to the peer: no apiId (the peer assigns one), ccfId = the CCF serving the AEFs,
// and on CAPIF-6 our id appended to pubApiPath.ccfIds.
model::ServiceAPIDescription publication_for(const ServiceApiRecord& rec, const config::CcfConfig::Peer& peer,
                                             const std::string& own_id);

// The CCF that serves this API's AEFs: "" for our own, else the peer that published it here (or the
// ccfId it named).
std::string designated_ccf_of(const ServiceApiRecord& rec, const config::CcfConfig& cfg);

}  // namespace capif::ccf
