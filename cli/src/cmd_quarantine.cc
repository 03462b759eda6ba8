// `titipctl quarantine`: the punches the aggregator refused to store as genuine because their
// origin signature did not check out (issue 6): altered or invented by a relay, or from a
// gateway with no registered signing key. JSON lines (--json) or a table, oldest key first.
// Read-only: works while the daemon runs.
#include <iostream>
#include <nlohmann/json.hpp>

#include "context.h"
#include "punch_json.h"
#include "titip/common/civil_time.h"

namespace titip::cli {
namespace {

nlohmann::json QuarantineJson(const wire::Quarantined& q) {
  const wire::Punch& p = q.punch();
  nlohmann::json j = PunchIdentityJson(p);
  j["reason"] = q.reason();
  j["via"] = q.via();
  j["times"] = q.times();
  j["quarantined_at"] = FormatRfc3339Utc(WallTime(q.received_at_ms()));
  return j;
}

}  // namespace

int CmdQuarantine(Context& ctx) {
  std::unique_ptr<storage::Store> store;
  if (int rc = ctx.OpenReadOnly(&store); rc != kOk) return rc;
  size_t n = 0;
  if (!ctx.json) std::cout << "ORIGIN/EPOCH/SEQ  PIN  TIME  REASON  VIA  TIMES\n";
  Status s = store->ForEachQuarantined([&](const wire::Quarantined& q) {
    ++n;
    if (ctx.json) {
      std::cout << QuarantineJson(q).dump() << "\n";
    } else {
      const wire::Punch& p = q.punch();
      std::cout << p.origin() << "/" << Hex16(p.epoch()) << "/" << p.seq() << "  " << p.pin()
                << "  " << FormatCivil(p.device_time()) << "  " << q.reason() << "  " << q.via()
                << "  " << q.times() << "\n";
    }
    return true;
  });
  if (!s.ok()) {
    std::cerr << "titipctl: " << s.ToString() << "\n";
    return ExitFor(s);
  }
  if (!ctx.json) std::cout << n << " quarantined\n";
  return kOk;
}

}  // namespace titip::cli
