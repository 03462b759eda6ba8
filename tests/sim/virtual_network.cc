// Virtual network of the simulator (see virtual_network.h). Every decision uses the virtual
// `now` handed in and the network's own seeded Rng, so a run is reproducible from its seed.
#include "virtual_network.h"

#include <algorithm>

namespace titip::sim {

VirtualNetwork::VirtualNetwork(size_t nodes, uint64_t seed)
    : n_(nodes),
      links_(nodes * nodes),
      down_(nodes, 0),
      alive_(nodes, true),
      resets_(nodes, 0),
      rng_(seed) {}

void VirtualNetwork::Connect(int a, int b, const LinkParams& p) {
  for (auto [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
    DirLink& l = At(x, y);
    l.connected = true;
    l.params = p;
  }
}

void VirtualNetwork::LinkDown(int node) {
  if (down_[node]++ == 0) ++resets_[node];
}

void VirtualNetwork::LinkUp(int node) {
  if (down_[node] > 0) --down_[node];
}

void VirtualNetwork::ForceUp(int node) { down_[node] = 0; }

void VirtualNetwork::SetAlive(int node, bool alive) {
  if (alive_[node] && !alive) ++resets_[node];
  alive_[node] = alive;
}

std::optional<VirtualNetwork::Delivery> VirtualNetwork::Transmit(MonoTime now, int from, int to,
                                                                 size_t bytes) {
  DirLink& l = At(from, to);
  ++counters_.frames;
  counters_.bytes += bytes;
  if (!l.connected || !Reachable(from) || !Reachable(to)) {
    ++counters_.lost_down;
    return std::nullopt;
  }
  uint64_t conn = Conn(from, to);
  if (conn != l.conn) {  // a new connection starts with an empty queue
    l.conn = conn;
    l.busy_until = now;
  }
  // The dice come after the queue check so that a lost frame still used the link.
  MonoTime start = std::max(now, l.busy_until);
  MonoTime send = l.params.bytes_per_s == 0 ? MonoTime(0)
                                            : MonoTime(static_cast<int64_t>(bytes) * kNsPerSecond /
                                                       static_cast<int64_t>(l.params.bytes_per_s));
  l.busy_until = start + send;
  if (rng_.PerMillion(l.params.loss_ppm)) {
    ++counters_.lost_dice;
    return std::nullopt;
  }
  return Delivery{l.busy_until + l.params.latency, conn};
}

bool VirtualNetwork::Arrives(int from, int to, uint64_t conn) {
  if (Reachable(from) && Reachable(to) && Conn(from, to) == conn) return true;
  ++counters_.lost_reset;
  return false;
}

}  // namespace titip::sim
