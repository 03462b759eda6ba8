// What one simulation run is made of: nodes and their candidate upstreams, the link each node
// uses to reach them, the fault plan (link outages, crashes) and every gateway's punches.
// Scenarios (scenario_district.h, the tests) build a SimConfig; Simulation (simulation.h) runs it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "titip/common/clock.h"
#include "titip/relay/engine.h"

namespace titip::sim {

inline constexpr int64_t kNsPerSecond = 1'000'000'000;
inline constexpr int64_t kDaySeconds = 86'400;
inline constexpr MonoTime Seconds(int64_t s) { return MonoTime(s * kNsPerSecond); }
inline constexpr MonoTime kNever = MonoTime::max();

// One direction of a link; both directions of a node's uplinks use the same parameters.
struct LinkParams {
  MonoTime latency{};        // one way, after the frame's last byte left
  uint64_t bytes_per_s = 0;  // 0: unlimited
  uint32_t loss_ppm = 0;     // chance in a million that a frame vanishes
};

// One punch as a unit's terminal records it. Virtual time is civil device time minus
// SimConfig::civil_start: day d of the run starts at d * 86400 s.
struct PlannedPunch {
  int64_t time_s = 0;
  std::string pin;
  uint32_t status = 0;
  uint32_t verify = 1;
};

struct NodeSpec {
  std::string id;
  storage::Role role = storage::Role::kOrigin;
  std::vector<relay::EngineOptions::Upstream> upstreams;
  LinkParams uplink;  // the link from this node to each of its upstreams (both directions)
  // Gateways only: the unit, its terminal and what the terminal records, sorted by time.
  std::string unit;
  std::string terminal;
  std::vector<PlannedPunch> punches;
};

// [from, to) for node `node` (an index into SimConfig::nodes).
struct Spell {
  int node = 0;
  MonoTime from{};
  MonoTime to{};
};

struct FaultPlan {
  std::vector<Spell> link_down;  // the node's access link: all its links, both directions
  std::vector<Spell> crashes;    // the process is down; its store survives (kill -9)
};

struct SimConfig {
  uint64_t seed = 1;
  std::vector<NodeSpec> nodes;  // exactly one sink
  FaultPlan faults;
  MonoTime fault_end{};  // every fault stops here and the drain phase begins
  MonoTime drain_cap{};  // absolute virtual time at which the drain phase gives up
  // Template for every engine; node_id, epoch, role, upstreams and link_session are filled in.
  relay::EngineOptions engine;
  MonoTime write_latency = std::chrono::milliseconds(2);  // store commit, then OnWriteDone
  // How the terminals hand punches over: 0 = each at its own second (ADMS push); N = every N
  // seconds, all that are due (a ZK poll; gateway.toml's poll_interval_s).
  int64_t terminal_poll_s = 0;
  MonoTime min_tick_gap = std::chrono::milliseconds(100);  // ticks at most this often
  int64_t civil_start = 0;                 // civil seconds of virtual time 0 (a Monday, 00:00)
  int64_t late_after_s = 3 * kDaySeconds;  // SPEC §10.3: "late" = stored after this
  int64_t path_needed_s = 3600;            // "despite path": path up at least this long
  // Stores live in a fresh directory under it, removed at the end. Empty: /dev/shm when
  // writable (tmpfs: commits cost no filesystem journal), else $TMPDIR, else /tmp.
  std::string tmp_root;
  std::function<void(const std::string&)> progress;  // progress lines; may be empty
  // Every frame delivered and write committed, one line each (debugging a seed); may be empty.
  std::function<void(const std::string&)> trace;
};

}  // namespace titip::sim
