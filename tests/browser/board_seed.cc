// Puts an aggregator store into a known state for the status board's browser test, as the
// engine would have written it: telemetry of a gateway per roster unit (most fresh and fully
// delivered, one offline 2.5 days with punches queued, one offline 4 days, one silent for 2 h,
// one failed over to the backup relay, one never reporting), two relays, a unit known only from
// telemetry, and some punches stored today. Writes the states the board must show to a JSON
// file, derived here from the scenario (not from BuildBoard), so the test checks the board
// against an independent expectation.
//
//   board_seed seed --state-dir D --roster R --utc-offset-min M --expected OUT.json
//   board_seed add  --state-dir D --node N --unit U     (a fresh report, while the daemon runs)
//
// The warn case needs the local time between 12:00 and 24:00 (D+2 12:00 ≤ now < D+3): the
// test picks the aggregator's utc_offset so that it is (board_test.sh).
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "titip/aggregator/roster.h"
#include "titip/common/clock.h"
#include "titip/storage/store.h"

namespace {

using titip::wire::Telemetry;
constexpr int64_t kHourMs = 3600 * 1000;
constexpr const char* kSink = "bkpsdm";

struct Args {
  std::map<std::string, std::string> kv;
  std::string Get(const std::string& k) const {
    auto it = kv.find(k);
    if (it == kv.end()) {
      std::cerr << "board_seed: missing --" << k << "\n";
      std::exit(64);
    }
    return it->second;
  }
};

std::unique_ptr<titip::storage::Store> Open(const std::string& dir, const titip::Clock& clock) {
  titip::storage::StoreOptions o;
  o.dir = dir;
  o.node_id = kSink;
  auto s = titip::storage::Store::Open(o, clock);
  if (!s.ok()) {
    std::cerr << "board_seed: " << s.status().ToString() << "\n";
    std::exit(1);
  }
  return std::move(s).value();
}

void Put(titip::storage::Store& store, const Telemetry& t, int64_t at_ms) {
  titip::storage::WriteOp op;
  op.intake = true;
  op.apply = [&](titip::storage::WriteTxn& w) { return w.PutTelemetry(t, at_ms); };
  if (auto s = store.Write(std::move(op)); !s.ok()) {
    std::cerr << "board_seed: telemetry of " << t.node() << ": " << s.ToString() << "\n";
    std::exit(1);
  }
}

Telemetry Report(const std::string& node, const std::string& unit, int64_t complete_through,
                 uint64_t queued, const std::vector<std::pair<std::string, bool>>& ups,
                 int64_t complete_through_age_s = 0) {
  Telemetry t;
  t.set_node(node);
  t.set_unit(unit);
  t.set_complete_through(complete_through);
  t.set_queued(queued);
  t.set_undelivered(queued);
  // Queued since the report stopped coming (the seed's offline gateways).
  if (queued) t.set_oldest_queued_age_s(std::max<int64_t>(0, complete_through_age_s));
  for (size_t i = 0; i < ups.size(); ++i) {
    auto* u = t.add_upstreams();
    u->set_id(ups[i].first);
    u->set_up(ups[i].second);
    // The first upstream that is up carries the traffic.
    bool first_up = ups[i].second;
    for (size_t j = 0; j < i; ++j) first_up = first_up && !ups[j].second;
    u->set_active(first_up);
    u->set_last_ack_age_s(ups[i].second ? 2 : 5400);
  }
  return t;
}

void StorePunches(titip::storage::Store& store, const std::string& unit, int n, int64_t local_s) {
  std::vector<titip::wire::Punch> punches;
  for (int i = 0; i < n; ++i) {
    titip::wire::Punch p;
    p.set_origin("gw-" + unit);
    p.set_epoch(7);
    p.set_seq(static_cast<uint64_t>(i + 1));
    p.set_terminal("T-" + unit);
    p.set_pin(std::to_string(100 + i));
    p.set_device_time(local_s - 60 * i);
    p.set_utc_offset_min(420);
    p.set_unit(unit);
    punches.push_back(std::move(p));
  }
  titip::storage::WriteOp op;
  op.intake = true;
  op.apply = [&](titip::storage::WriteTxn& t) {
    titip::storage::IntakeOutcome out;
    return t.Accept(punches, titip::storage::Role::kSink, &out);
  };
  if (auto s = store.Write(std::move(op)); !s.ok()) {
    std::cerr << "board_seed: punches of " << unit << ": " << s.ToString() << "\n";
    std::exit(1);
  }
}

int Seed(const Args& a) {
  const titip::Clock& clock = titip::SystemClock::Instance();
  auto roster = titip::aggregator::LoadRoster(a.Get("roster"));
  if (!roster.ok()) {
    std::cerr << "board_seed: " << roster.status().ToString() << "\n";
    return 1;
  }
  const int offset_min = std::stoi(a.Get("utc-offset-min"));
  auto store = Open(a.Get("state-dir"), clock);
  const int64_t now_ms = clock.Wall().count();
  const int64_t local_s = now_ms / 1000 + offset_min * 60LL;  // civil seconds, unit local
  const int64_t today = local_s / 86400 * 86400;
  auto at_local = [&](int64_t civil_s) { return (civil_s - offset_min * 60LL) * 1000; };
  nlohmann::json units = nlohmann::json::object(), arrivals = nlohmann::json::object();
  nlohmann::json nodes = {kSink, "diskominfo", "diskominfo-backup"};
  Put(*store, Report("diskominfo", "", 0, 0, {{kSink, true}}), now_ms - 2000);
  Put(*store, Report("diskominfo-backup", "", 0, 0, {{kSink, true}}), now_ms - 4000);
  int i = 0;
  for (const auto& unit : roster->Units()) {
    const std::string gw = "gw-" + unit;
    const bool kec = unit.rfind("kec-", 0) == 0;
    std::vector<std::pair<std::string, bool>> ups = {{"diskominfo", true}};
    if (kec) ups.push_back({"diskominfo-backup", true});
    ++i;
    if (unit == "setwan") {  // never reported: no data for the whole window
      units[unit] = "late";
      continue;
    }
    nodes.push_back(gw);
    if (unit == "kec-sungai-bahar") {  // offline since D-2 09:00: warn after D 12:00
      const int64_t since = today - 2 * 86400 + 9 * 3600;
      Put(*store, Report(gw, unit, since, 350, ups, local_s - since), at_local(since));
      units[unit] = "warn";
    } else if (unit == "kec-taman-rajo") {  // offline 4 days: late
      const int64_t since = today - 4 * 86400 + 10 * 3600;
      Put(*store, Report(gw, unit, since, 1200, ups, local_s - since), at_local(since));
      units[unit] = "late";
    } else if (unit == "kec-kumpeh") {  // silent 2 h; every finished day complete
      Put(*store, Report(gw, unit, local_s - 7200, 40, ups, 7200), now_ms - 2 * kHourMs);
      units[unit] = "silent";
    } else {
      if (unit == "kec-bahar-utara") ups = {{"diskominfo", false}, {"diskominfo-backup", true}};
      Put(*store, Report(gw, unit, local_s - 60, 0, ups), now_ms - 3000);
      const int n = 3 + (i * 7) % 40;
      StorePunches(*store, unit, n, local_s);
      arrivals[unit] = n;
      units[unit] = "ok";
    }
  }
  // Known only from telemetry (not in the roster), reporting fine.
  Put(*store, Report("gw-uji-coba", "uji-coba", local_s - 60, 0, {{"diskominfo", true}}),
      now_ms - 1000);
  nodes.push_back("gw-uji-coba");
  units["uji-coba"] = "ok";
  std::ofstream(a.Get("expected"))
      << nlohmann::json{{"units", units}, {"arrivals", arrivals}, {"nodes", nodes}, {"sink", kSink}}
             .dump(1)
      << "\n";
  return 0;
}

int Add(const Args& a) {
  const titip::Clock& clock = titip::SystemClock::Instance();
  auto store = Open(a.Get("state-dir"), clock);
  const int64_t now_ms = clock.Wall().count();
  Put(*store, Report(a.Get("node"), a.Get("unit"), 0, 0, {{"diskominfo", true}}), now_ms);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: board_seed seed|add --key value...\n";
    return 64;
  }
  Args a;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k.rfind("--", 0) != 0) return 64;
    a.kv[k.substr(2)] = argv[i + 1];
  }
  const std::string cmd = argv[1];
  if (cmd == "seed") return Seed(a);
  if (cmd == "add") return Add(a);
  std::cerr << "board_seed: unknown command " << cmd << "\n";
  return 64;
}
