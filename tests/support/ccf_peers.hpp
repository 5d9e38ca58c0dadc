#pragma once
// CAPIF-6/6e set-ups for tests: CCFs whose key material exists before they start, so that each can name
// the other's CA as a peer trust anchor in its config.
#include "capif/http/client.hpp"
#include "ccf_process.hpp"

#include <memory>
#include <string>
#include <vector>

namespace capif::testing {

struct PeerLink {
  const CcfProcess* peer;
  std::string link = "CAPIF-6";
  std::string extra_yaml;  // more keys of this peer entry, each line indented by 4 spaces
};

// `capif-ccf init` (idempotent): creates the CA, server certificate and signing key in the data directory.
void init_pki(const CcfProcess& ccf);
// Appends `peers:` to self's config: one entry per link, the peer's CA copied into self's folder.
// Every CCF involved must have been init_pki'd.
void configure_peers(const CcfProcess& self, const std::vector<PeerLink>& links);
// The usual pair: both initialised, each the other's CAPIF-6 peer (extra_yaml added to both peer entries),
// both started.
void start_linked_pair(CcfProcess& a, CcfProcess& b, const std::string& extra_yaml = {});
// A client that is `as` talking to `target` over CAPIF-6: presents as's CCF certificate, trusts target's CA.
std::unique_ptr<http::BlockingClient> peer_client(const CcfProcess& as, const CcfProcess& target);

}  // namespace capif::testing
