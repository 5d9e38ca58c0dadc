#pragma once
// What every CCF service needs: configuration, the CCF's key material and the registry.
#include "capif/config/ccf_config.hpp"
#include "capif/identity.hpp"
#include "capif/problem.hpp"
#include "ccf/ccf_pki.hpp"
#include "ccf/service/websocket_hub.hpp"
#include "ccf/store/ccf_store.hpp"

#include <functional>
#include <string>

namespace capif::ccf {
class Peers;
class PeerClient;

struct CcfContext {
  const config::CcfConfig& config;
  const CcfPki& pki;
  CcfStore& store;
  WebSocketHub& websockets;  // event subscriptions' open websockets
  // CAPIF-6/6e (src/ccf/interconnect): the configured peers and the client that talks to them; a hook that
  // tells the publication sync a shareable API may have changed.
  const Peers* peers = nullptr;
  PeerClient* peer_client = nullptr;
  std::function<void()> publications_changed = [] {};

  std::string location(const std::string& path) const { return config.ccf.api_root + path; }
};

// Issues a client certificate with CN = id from a CSR; a bad CSR is a 400 naming `pointer`.
std::string issue_certificate(const CcfContext& ctx, const std::string& csr_pem, const std::string& id,
                              const std::string& pointer, bool also_server_auth = false);
std::string fingerprint_of(const std::string& cert_pem);

}  // namespace capif::ccf
