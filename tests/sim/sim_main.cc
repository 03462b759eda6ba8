// titip-sim: the deterministic simulator's command line (SPEC §10.3).
//   titip-sim --scenario district --seed N [--days D] [--seeds K]
// Progress goes to stderr; stdout gets one JSON line per seed, and the last stdout line is the
// result (for --seeds K > 1, a summary over all seeds). Exit 0 only when every invariant held.
#include <chrono>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "scenario_district.h"
#include "simulation.h"
#include "titip/common/clock.h"

namespace {

using titip::sim::DistrictOptions;

// Runs one seed; wall time is measured here, outside the simulation, only for the report.
nlohmann::ordered_json RunOne(const DistrictOptions& o, bool quiet, bool trace, bool* ok) {
  titip::sim::SimConfig cfg = titip::sim::MakeDistrict(o);
  if (trace) {  // every frame but plain heartbeats, and every write
    cfg.trace = [](const std::string& line) {
      if (line.find(" hello") == std::string::npos || line.find(" r:") != std::string::npos) {
        std::fprintf(stderr, "%s\n", line.c_str());
      }
    };
  }
  if (!quiet) {
    cfg.progress = [seed = o.seed](const std::string& line) {
      std::fprintf(stderr, "titip-sim seed %llu: %s\n", static_cast<unsigned long long>(seed),
                   line.c_str());
    };
  }
  // The real clock only times the run for the report; the simulation itself never reads it.
  const titip::Clock& real = titip::SystemClock::Instance();
  titip::MonoTime t0 = real.Mono();
  titip::sim::SimResult r = titip::sim::Simulation(std::move(cfg)).Run();
  double wall = std::chrono::duration<double>(real.Mono() - t0).count();
  nlohmann::ordered_json j = r.ToJson();
  j["wall_s"] = std::round(wall * 100) / 100;
  j["sim_days_per_wall_s"] = wall > 0 ? std::round(r.sim_days / wall * 100) / 100 : 0.0;
  *ok = r.ok();
  for (const auto& f : r.failures) {
    std::fprintf(stderr, "titip-sim seed %llu: FAILED: %s\n",
                 static_cast<unsigned long long>(o.seed), f.c_str());
  }
  for (const auto& d : r.details) {
    std::fprintf(stderr, "titip-sim seed %llu:   %s\n", static_cast<unsigned long long>(o.seed),
                 d.c_str());
  }
  return j;
}

nlohmann::ordered_json Summary(const std::vector<nlohmann::ordered_json>& runs,
                               const std::vector<uint64_t>& failed) {
  nlohmann::ordered_json s;
  s["seed"] = runs.front()["seed"];
  s["seeds"] = runs.size();
  s["failed_seeds"] = failed;
  for (const char* k : {"punches", "stored", "lost", "duplicates", "undelivered_at_end",
                        "unit_days", "unit_days_late", "unit_days_late_despite_path"}) {
    uint64_t sum = 0;
    for (const auto& r : runs) sum += r[k].get<uint64_t>();
    s[k] = sum;
  }
  int64_t max_delay = 0;
  double wall = 0, days = 0;
  for (const auto& r : runs) {
    max_delay = std::max(max_delay, r["max_delay_s"].get<int64_t>());
    wall += r["wall_s"].get<double>();
    days += r["sim_days"].get<double>();
  }
  s["max_delay_s"] = max_delay;
  s["wall_s"] = wall;
  s["sim_days_per_wall_s"] = wall > 0 ? std::round(days / wall * 100) / 100 : 0.0;
  s["ok"] = failed.empty();
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"titip-sim: deterministic simulation of the titip mesh"};
  std::string scenario;
  DistrictOptions o;
  uint64_t seeds = 1;
  bool quiet = false, no_faults = false, trace = false;
  app.add_option("--scenario", scenario, "scenario name (district)")->required();
  app.add_option("--seed", o.seed, "first seed")->required();
  app.add_option("--days", o.days, "days with faults (then a drain phase)")
      ->check(CLI::Range(1, 365));
  app.add_option("--seeds", seeds, "run seeds N..N+K-1")->check(CLI::Range(1, 100000));
  app.add_option("--drain-days", o.drain_days, "cap of the drain phase")->check(CLI::Range(1, 60));
  app.add_option("--campus-units", o.campus_units, "campus units (0-30)")->check(CLI::Range(0, 30));
  app.add_option("--kecamatan-units", o.kecamatan_units, "kecamatan (0-11)")
      ->check(CLI::Range(0, 11));
  app.add_option("--staff-percent", o.staff_percent, "scale staff")->check(CLI::Range(1, 1000));
  app.add_option("--poll-s", o.poll_s, "terminals polled every N s (0: pushed at once)")
      ->check(CLI::Range(0, 3600));
  app.add_flag("--no-faults", no_faults, "no outages or crashes");
  app.add_flag("--campus-direct", o.campus_direct, "campus gateways also list bkpsdm");
  app.add_flag("-q,--quiet", quiet, "no progress lines");
  app.add_flag("--trace", trace, "print frames (except plain heartbeats) and writes to stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 64;
  }
  if (scenario != "district") {
    std::fprintf(stderr, "titip-sim: unknown scenario '%s' (known: district)\n", scenario.c_str());
    return 64;
  }
  o.faults = !no_faults;
  std::vector<nlohmann::ordered_json> runs;
  std::vector<uint64_t> failed;
  uint64_t first = o.seed;
  for (uint64_t s = first; s < first + seeds; ++s) {
    o.seed = s;
    bool ok = false;
    runs.push_back(RunOne(o, quiet, trace, &ok));
    if (!ok) failed.push_back(s);
    std::cout << runs.back().dump() << std::endl;
  }
  if (seeds > 1) std::cout << Summary(runs, failed).dump() << std::endl;
  return failed.empty() ? 0 : 1;
}
