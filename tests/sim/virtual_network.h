// The simulator's network: point-to-point links with latency, bandwidth (frames queue behind
// each other), random loss, and nodes whose access link can go down and whose process can die.
// A link going down or an end crashing resets the connection: frames still queued or in flight
// on it are lost, like bytes in a TCP connection that ZeroMQ has to re-establish.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim_config.h"
#include "sim_random.h"

namespace titip::sim {

class VirtualNetwork {
 public:
  VirtualNetwork(size_t nodes, uint64_t seed);

  // Joins a and b, both directions, with the same parameters.
  void Connect(int a, int b, const LinkParams& p);
  bool Connected(int a, int b) const { return At(a, b).connected; }

  // The node's access link. Down spells may overlap: it is up when no spell is active.
  void LinkDown(int node);
  void LinkUp(int node);
  void ForceUp(int node);  // every spell over (the drain phase)
  bool LinkIsUp(int node) const { return down_[node] == 0; }
  // The node's process. Dying resets all its connections.
  void SetAlive(int node, bool alive);
  bool Alive(int node) const { return alive_[node]; }
  bool Reachable(int node) const { return Alive(node) && LinkIsUp(node); }

  struct Delivery {
    MonoTime at{};
    uint64_t conn = 0;  // the connection it travels on (see Arrives)
  };
  // A frame of `bytes` handed over at `now`. Nullopt: lost at once (an end is down or dead,
  // there is no link, or the dice said so). Otherwise it arrives at `at` if the connection
  // still exists then: it waits for the frames ahead of it on the link, then takes
  // bytes / bandwidth to send and `latency` to travel.
  std::optional<Delivery> Transmit(MonoTime now, int from, int to, size_t bytes);
  // True when a frame sent on `conn` may be delivered now; false (and counted) when an end
  // died or lost its link since it was sent.
  bool Arrives(int from, int to, uint64_t conn);

  struct Counters {
    uint64_t frames = 0, bytes = 0, lost_down = 0, lost_dice = 0, lost_reset = 0;
  };
  const Counters& counters() const { return counters_; }

 private:
  struct DirLink {
    bool connected = false;
    LinkParams params;
    MonoTime busy_until{};  // when the last queued frame's last byte leaves
    uint64_t conn = 0;      // connection the queue belongs to
  };
  DirLink& At(int from, int to) { return links_[static_cast<size_t>(from) * n_ + to]; }
  const DirLink& At(int from, int to) const { return links_[static_cast<size_t>(from) * n_ + to]; }
  uint64_t Conn(int from, int to) const { return (resets_[from] << 32) ^ resets_[to]; }

  size_t n_;
  std::vector<DirLink> links_;
  std::vector<int> down_;  // active down spells per node
  std::vector<bool> alive_;
  std::vector<uint64_t> resets_;  // bumps whenever a node's connections are reset
  Rng rng_;
  Counters counters_;
};

}  // namespace titip::sim
