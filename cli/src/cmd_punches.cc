// `titipctl punches`: every stored punch as JSON lines or CSV (SPEC §9), filtered by the
// device's local date and by unit.
#include <iostream>
#include <nlohmann/json.hpp>

#include "context.h"
#include "punch_json.h"
#include "titip/common/civil_time.h"

namespace titip::cli {
namespace {

nlohmann::json PunchJson(const wire::Punch& p, storage::PunchState st) {
  nlohmann::json j = PunchIdentityJson(p);
  j["workcode"] = p.workcode();
  j["received_at"] = FormatRfc3339Utc(WallTime(p.received_at_ms()));
  j["state"] = storage::StateName(st);
  j["received_at_ms"] = p.received_at_ms();
  // Only the sink stamps its arrival; with the origin's intake time it gives the delay.
  if (p.stored_at_ms() != 0) j["stored_at_ms"] = p.stored_at_ms();
  return j;
}

}  // namespace

int CmdPunches(Context& ctx, const std::string& since, const std::string& until,
               const std::string& unit, bool csv) {
  int64_t lo = INT64_MIN, hi = INT64_MAX;
  if (!since.empty()) {
    auto d = ParseCivilDate(since);
    if (!d) return std::cerr << "titipctl: bad --since (want YYYY-MM-DD)\n", kUsage;
    lo = *d;
  }
  if (!until.empty()) {
    auto d = ParseCivilDate(until);
    if (!d) return std::cerr << "titipctl: bad --until (want YYYY-MM-DD)\n", kUsage;
    hi = *d + 86399;  // inclusive: the whole day
  }
  std::unique_ptr<storage::Store> store;
  if (int rc = ctx.OpenReadOnly(&store); rc != kOk) return rc;
  if (csv) std::cout << "origin,epoch,seq,terminal,pin,time,status,verify,workcode,received_at\n";
  Status s = store->ForEachPunch([&](const wire::Punch& p, storage::PunchState st) {
    if (p.device_time() < lo || p.device_time() > hi) return true;
    if (!unit.empty() && p.unit() != unit) return true;
    if (csv) {
      std::cout << p.origin() << ',' << Hex16(p.epoch()) << ',' << p.seq() << ',' << p.terminal()
                << ',' << p.pin() << ',' << FormatCivil(p.device_time()) << ',' << p.status() << ','
                << p.verify() << ',' << p.workcode() << ','
                << FormatRfc3339Utc(WallTime(p.received_at_ms())) << '\n';
    } else {
      std::cout << PunchJson(p, st).dump() << '\n';
    }
    return true;
  });
  if (!s.ok()) {
    std::cerr << "titipctl: " << s.ToString() << "\n";
    return ExitFor(s);
  }
  return kOk;
}

}  // namespace titip::cli
