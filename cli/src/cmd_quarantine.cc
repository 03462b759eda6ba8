// `titipctl quarantine`: the punches the aggregator refused to store as genuine because their
// origin signature did not check out (issue 6): altered or invented by a relay, or from a
// gateway with no registered signing key. JSON lines (--json) or a table, oldest key first.
// Read-only: works while the daemon runs.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "context.h"
#include "titip/common/civil_time.h"

namespace titip::cli {
namespace {

std::string Hex16(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

nlohmann::json QuarantineJson(const wire::Quarantined& q) {
  const wire::Punch& p = q.punch();
  return {{"origin", p.origin()},
          {"epoch", Hex16(p.epoch())},
          {"seq", p.seq()},
          {"terminal", p.terminal()},
          {"pin", p.pin()},
          {"time", FormatCivil(p.device_time())},
          {"status", p.status()},
          {"verify", p.verify()},
          {"unit", p.unit()},
          {"reason", q.reason()},
          {"via", q.via()},
          {"times", q.times()},
          {"quarantined_at", FormatRfc3339Utc(WallTime(q.received_at_ms()))}};
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
