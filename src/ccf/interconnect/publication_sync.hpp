#pragma once
// Keeps each peer CCF's copy of our shareable service APIs in step with the registry (CAPIF-6/6e publish).
// State-based, not a message queue: on every pass (triggered by a change, or every sync_interval_ms) it
// compares what should be at the peer with what the store says was sent, and publishes, updates or
// withdraws the difference. A peer that is down is simply behind until a later pass reaches it; a
// restart loses nothing, and the first pass also withdraws anything at the peer we have no record of.
#include "ccf/interconnect/peer_client.hpp"
#include "ccf/service/context.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <vector>

namespace capif::ccf {

class PublicationSync {
 public:
  PublicationSync(const CcfContext& ctx, PeerClient& client);
  ~PublicationSync();
  void start(boost::asio::any_io_executor ex);  // one loop per peer that shares "publish"
  void stop();
  void changed();  // something shareable may have changed: run a pass soon

 private:
  struct Loop;
  const CcfContext& ctx_;
  PeerClient& client_;
  std::vector<std::shared_ptr<Loop>> loops_;
};

}  // namespace capif::ccf
