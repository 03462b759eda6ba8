// Scenario `district`: Kabupaten Muaro Jambi as in /work/shared/data/muarojambi-units.csv — 41
// unit gateways (30 on the Sengeti campus LAN, 11 kecamatan on slow rural links), relays
// `diskominfo` (primary) and `diskominfo-b` (backup), and the aggregator `bkpsdm` — with a
// week of punches and faults drawn from one seed. Options shrink it for quick tests.
#pragma once

#include <cstdint>

#include "sim_config.h"

namespace titip::sim {

struct DistrictOptions {
  uint64_t seed = 1;
  int days = 7;              // fault period, from a Monday 00:00; punches on Mon–Fri only
  int drain_days = 5;        // after it: no faults, run until every queue is empty or this
  int campus_units = 30;     // how many of the 30 campus units (in CSV order)
  int kecamatan_units = 11;  // how many of the 11 kecamatan (in CSV order)
  int staff_percent = 100;   // scales every unit's staff (≈5,500 at 100)
  bool faults = true;        // false: a fault-free run (links still lose frames)
  // 0: each punch reaches its gateway at the second it was made (an ADMS push). N: every N
  // seconds, at each gateway's own phase (a ZK poll; the gateway default is 300 s). Polling
  // batches punches into fewer bundles: a week runs about a quarter faster at 60.
  int poll_s = 0;
  // Campus gateways also list bkpsdm itself (priority 3). Off by default: the engine routes by
  // cost first, so a direct link to the sink (cost 0) would carry all campus traffic and leave
  // the relays — and the failover this scenario is about — idle.
  bool campus_direct = false;
};

SimConfig MakeDistrict(const DistrictOptions& o);

// The engine options every simulated node runs with (SPEC §10.3 brief, see the .cc).
relay::EngineOptions SimEngineOptions();

// Link classes of the scenario.
LinkParams CampusLan();
LinkParams RuralLink();

}  // namespace titip::sim
