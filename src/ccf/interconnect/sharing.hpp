#pragma once
// Which service APIs cross to which peer CCF, and in what form (TS 29.222 5.3.2.2.3, docs/interconnect.md).
#include "capif/config/ccf_config.hpp"
#include "ccf/store/ccf_store.hpp"

namespace capif::ccf {

// shareableInfo.isShareable, capifProvDoms on CAPIF-6e, and for an API a peer published here: only
// onward over CAPIF-6 links, never back to a CCF already in its pubApiPath (loop prevention).
bool shareable_to(const ServiceApiRecord& rec, const config::CcfConfig::Peer& peer, const config::CcfConfig& cfg,
                  const CcfStore& store);

// The publication sent to the peer: no apiId (the peer assigns one), ccfId = the CCF serving the AEFs,
// and on CAPIF-6 our id appended to pubApiPath.ccfIds.
model::ServiceAPIDescription publication_for(const ServiceApiRecord& rec, const config::CcfConfig::Peer& peer,
                                             const std::string& own_id, const CcfStore& store);

// The CCF that serves this API's AEFs: "" when one of our APFs published it, else the ccfId the
// publishing peer named (itself or the CCF it learnt the API from). Decided from the registry, not from
// the peer list: an API of a peer that was removed from the config does not turn local.
std::string designated_ccf_of(const ServiceApiRecord& rec, const CcfStore& store);
bool published_here(const ServiceApiRecord& rec, const CcfStore& store);  // by one of our own APFs

}  // namespace capif::ccf
