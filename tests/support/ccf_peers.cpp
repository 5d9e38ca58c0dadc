#include "ccf_peers.hpp"

#include "capif/crypto/files.hpp"

#include <stdexcept>

namespace capif::testing {

void init_pki(const CcfProcess& ccf) {
  int status = 0;
  ccf.run_command("init", &status);
  if (status != 0) throw std::runtime_error("capif-ccf init failed for " + ccf.id());
}

void configure_peers(const CcfProcess& self, const std::vector<PeerLink>& links) {
  std::string yaml = "peers:\n";
  for (const auto& l : links) {
    const std::string file = "peer-" + l.peer->id() + "-ca.crt";
    crypto::write_file_atomic(self.dir() / file, l.peer->ca_pem(), false);
    yaml += "  - id: " + l.peer->id() + "\n    api_root: " + l.peer->api_root() + "\n    trust_anchor: " + file +
            "\n    link: " + l.link + "\n    timeout_ms: 2000\n    sync_interval_ms: 1000\n" + l.extra_yaml;
  }
  self.append_config(yaml);
}

void start_linked_pair(CcfProcess& a, CcfProcess& b, const std::string& extra_yaml) {
  init_pki(a);
  init_pki(b);
  configure_peers(a, {{&b, "CAPIF-6", extra_yaml}});
  configure_peers(b, {{&a, "CAPIF-6", extra_yaml}});
  a.start();
  b.start();
}

std::unique_ptr<http::BlockingClient> peer_client(const CcfProcess& as, const CcfProcess& target) {
  http::ClientConfig cfg;
  cfg.ca_pem = target.ca_pem();
  cfg.client_cert_pem = crypto::read_file(as.dir() / "data" / "server.crt");
  cfg.client_key_pem = crypto::read_file(as.dir() / "data" / "server.key");
  return std::make_unique<http::BlockingClient>(cfg);
}

}  // namespace capif::testing
