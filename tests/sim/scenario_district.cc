// Scenario `district` (see scenario_district.h). The unit table is the CSV's, embedded (ids,
// link class) with a staff count per unit (≈5,500 in all; RSUD the largest). Punches come
// from the tools' workload generator; faults from the seed's fault stream, in table order.
#include "scenario_district.h"

#include <algorithm>
#include <functional>

#include "sim_random.h"
#include "titip/common/civil_time.h"
#include "titip/tools/workload.h"

namespace titip::sim {
namespace {

using std::chrono::milliseconds;
enum class LinkClass { kCampus, kSuburban, kRural };
struct Unit {
  const char* id;
  LinkClass link;
  int staff;
};

// muarojambi-units.csv: unit_id and link_class; staff is a modelling guess.
constexpr Unit kUnits[] = {
    {"setda", LinkClass::kCampus, 300},
    {"setwan", LinkClass::kCampus, 120},
    {"inspektorat", LinkClass::kCampus, 70},
    {"bappeda", LinkClass::kCampus, 90},
    {"bpkad", LinkClass::kCampus, 150},
    {"bpprd", LinkClass::kCampus, 110},
    {"bkpsdm", LinkClass::kCampus, 90},
    {"bpbd", LinkClass::kCampus, 80},
    {"kesbangpol", LinkClass::kCampus, 50},
    {"diskominfo", LinkClass::kCampus, 70},
    {"disdikbud", LinkClass::kCampus, 400},
    {"dinkes", LinkClass::kCampus, 250},
    {"rsud-ahmad-ripin", LinkClass::kCampus, 800},
    {"disdukcapil", LinkClass::kCampus, 90},
    {"disperkim", LinkClass::kCampus, 80},
    {"disbunnak", LinkClass::kCampus, 100},
    {"damkar", LinkClass::kCampus, 120},
    {"disarpus", LinkClass::kCampus, 50},
    {"dpupr", LinkClass::kCampus, 200},
    {"satpolpp", LinkClass::kCampus, 180},
    {"dinsos", LinkClass::kCampus, 80},
    {"dpmd", LinkClass::kCampus, 70},
    {"dp3ap2kb", LinkClass::kCampus, 90},
    {"dpmptsp", LinkClass::kCampus, 70},
    {"dishub", LinkClass::kCampus, 110},
    {"dlh", LinkClass::kCampus, 90},
    {"distan", LinkClass::kCampus, 150},
    {"dkpp", LinkClass::kCampus, 90},
    {"disperindagkop", LinkClass::kCampus, 80},
    {"disnakertrans", LinkClass::kCampus, 70},
    {"kec-sekernan", LinkClass::kSuburban, 150},
    {"kec-jambi-luar-kota", LinkClass::kSuburban, 140},
    {"kec-mestong", LinkClass::kSuburban, 110},
    {"kec-kumpeh-ulu", LinkClass::kSuburban, 120},
    {"kec-maro-sebo", LinkClass::kSuburban, 100},
    {"kec-sungai-gelam", LinkClass::kSuburban, 130},
    {"kec-kumpeh", LinkClass::kRural, 90},
    {"kec-taman-rajo", LinkClass::kRural, 60},
    {"kec-sungai-bahar", LinkClass::kRural, 120},
    {"kec-bahar-utara", LinkClass::kRural, 80},
    {"kec-bahar-selatan", LinkClass::kRural, 70},
};
constexpr int kCampusUnits = 30;
constexpr char kPrimary[] = "diskominfo", kBackup[] = "diskominfo-b", kSink[] = "bkpsdm";
constexpr int64_t kMin = 60, kHour = 3600;

// The relay and the aggregator carry the unit ids of their offices; those units' own gateways
// get a suffix.
std::string GatewayId(const std::string& unit) {
  return unit == kPrimary || unit == kSink ? unit + "-gw" : unit;
}

std::vector<PlannedPunch> Workload(int staff, int days, int64_t civil_start, uint64_t seed) {
  tools::WorkloadOptions w;
  w.users = static_cast<uint32_t>(std::max(1, staff));
  w.start_day = civil_start;
  w.days = static_cast<uint32_t>(days);
  w.seed = seed;
  std::vector<PlannedPunch> out;
  Status s = tools::GenerateWorkload(w, [&](const tools::Punch& p) {
    out.push_back(PlannedPunch{p.time - civil_start, p.pin, p.status, p.verify});
    return Status::Ok();
  });
  if (!s.ok()) out.clear();
  return out;
}

// Spells one after another: first start in [0, gap_hi), then length, then a gap, until `end`.
void Spells(Rng& rng, int64_t end_s, int64_t gap_lo, int64_t gap_hi,
            const std::function<int64_t()>& length,
            const std::function<void(int64_t, int64_t)>& add) {
  for (int64_t t = rng.Between(0, gap_hi - 1); t < end_s;) {
    int64_t len = length();
    add(t, t + len);
    t += len + rng.Between(gap_lo, gap_hi);
  }
}

// Rural: hours, often a day, sometimes three; suburban: hours; campus: rare, minutes.
void PlanLinkSpells(Rng& rng, int node, LinkClass c, int64_t end_s, FaultPlan* plan) {
  auto add = [&](int64_t a, int64_t b) {
    plan->link_down.push_back({node, Seconds(a), Seconds(b)});
  };
  if (c == LinkClass::kRural) {
    Spells(
        rng, end_s, 12 * kHour, 96 * kHour,
        [&] {
          int64_t r = rng.Between(0, 9);
          return r < 5   ? rng.Between(1 * kHour, 6 * kHour)
                 : r < 8 ? rng.Between(6 * kHour, 24 * kHour)
                         : rng.Between(24 * kHour, 72 * kHour);
        },
        add);
  } else if (c == LinkClass::kSuburban) {
    Spells(
        rng, end_s, 24 * kHour, 96 * kHour, [&] { return rng.Between(1 * kHour, 12 * kHour); },
        add);
  } else {
    Spells(
        rng, end_s, 3 * 24 * kHour, 14 * 24 * kHour,
        [&] { return rng.Between(1 * kMin, 20 * kMin); }, add);
  }
}

// Power cuts: the box dies and reboots; at a kecamatan the modem dies too and needs a few
// minutes more to get its signal back. Campus has short cuts, rarely.
void PlanPowerCuts(Rng& rng, int node, LinkClass c, int64_t end_s, FaultPlan* plan) {
  bool rural = c != LinkClass::kCampus;
  Spells(
      rng, end_s, rural ? 24 * kHour : 4 * 24 * kHour, rural ? 72 * kHour : 20 * 24 * kHour,
      [&] { return rural ? rng.Between(10 * kMin, 6 * kHour) : rng.Between(1 * kMin, 30 * kMin); },
      [&](int64_t a, int64_t b) {
        plan->crashes.push_back({node, Seconds(a), Seconds(b)});
        if (rural) {
          plan->link_down.push_back(
              {node, Seconds(a), Seconds(b + rng.Between(2 * kMin, 5 * kMin))});
        }
      });
}

// One relay crash per run, in working hours of a working day (mid-transfer), mostly the
// primary.
void PlanRelayCrash(Rng& rng, int primary, int backup, int days, FaultPlan* plan) {
  int64_t day = rng.Between(0, std::max(1, std::min(days, 5)) - 1);
  int64_t at = day * kDaySeconds + rng.Between(7 * kHour, 17 * kHour);
  int64_t down = rng.Between(2 * kMin, 2 * kHour);
  int node = rng.Below(4) == 0 ? backup : primary;
  plan->crashes.push_back({node, Seconds(at), Seconds(at + down)});
}

NodeSpec Infra(const std::string& id, storage::Role role) {
  NodeSpec n;
  n.id = id;
  n.role = role;
  if (role == storage::Role::kRelay) n.upstreams = {{kSink, 1}};
  n.uplink = CampusLan();
  return n;
}

// Unit i's gateway: the two relays as upstreams, its link class, its staff's punches.
NodeSpec Gateway(int i, const DistrictOptions& o, int64_t civil_start) {
  const Unit& u = kUnits[i];
  bool campus = i < kCampusUnits;
  NodeSpec n;
  n.id = GatewayId(u.id);
  n.unit = u.id;
  n.terminal = "MJ-" + n.unit;
  n.upstreams = {{kPrimary, 1}, {kBackup, 2}};
  if (campus && o.campus_direct) n.upstreams.push_back({kSink, 3});
  n.uplink = campus ? CampusLan() : RuralLink();
  n.punches = Workload(u.staff * o.staff_percent / 100, o.days, civil_start,
                       SubSeed(o.seed, 100 + static_cast<uint64_t>(i)));
  return n;
}

}  // namespace

relay::EngineOptions SimEngineOptions() {
  relay::EngineOptions eo;
  eo.bundle_max_punches = 500;
  eo.window = 4;
  eo.ack_timeout = milliseconds(5000);
  eo.backoff_max = milliseconds(60000);
  eo.heartbeat = milliseconds(2000);
  eo.switch_after = milliseconds(10000);
  eo.resend_after = milliseconds(6 * 3600 * 1000);
  // Every 10 minutes rather than 10 s: each is a commit at the sink, and telemetry is not what
  // the simulator checks; at 10 s the sink's telemetry commits alone would triple the run time.
  eo.telemetry_every = milliseconds(600'000);
  return eo;
}

LinkParams CampusLan() { return {milliseconds(1), 100'000'000 / 8, 100}; }
LinkParams RuralLink() { return {milliseconds(300), 2'000'000 / 8, 10'000}; }

SimConfig MakeDistrict(const DistrictOptions& o) {
  SimConfig c;
  c.seed = o.seed;
  c.engine = SimEngineOptions();
  c.terminal_poll_s = o.poll_s;
  c.civil_start = ParseCivilDate("2026-01-05").value();  // a Monday
  c.fault_end = Seconds(o.days * kDaySeconds);
  c.drain_cap = c.fault_end + Seconds(o.drain_days * kDaySeconds);
  c.nodes.push_back(Infra(kSink, storage::Role::kSink));
  c.nodes.push_back(Infra(kPrimary, storage::Role::kRelay));
  c.nodes.push_back(Infra(kBackup, storage::Role::kRelay));
  Rng faults(SubSeed(o.seed, 10));
  int64_t end_s = o.days * kDaySeconds;
  for (int i = 0; i < static_cast<int>(std::size(kUnits)); ++i) {
    bool campus = i < kCampusUnits;
    if (campus ? i >= o.campus_units : i - kCampusUnits >= o.kecamatan_units) continue;
    int node = static_cast<int>(c.nodes.size());
    c.nodes.push_back(Gateway(i, o, c.civil_start));
    if (!o.faults) continue;
    PlanLinkSpells(faults, node, kUnits[i].link, end_s, &c.faults);
    PlanPowerCuts(faults, node, kUnits[i].link, end_s, &c.faults);
  }
  if (o.faults) PlanRelayCrash(faults, 1, 2, o.days, &c.faults);
  return c;
}

}  // namespace titip::sim
