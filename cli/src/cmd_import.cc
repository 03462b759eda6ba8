// `titipctl import FILE --terminal SERIAL`: USB attlog.dat or GLG/AGL export into the
// gateway's store, idempotent.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "context.h"
#include "titip/common/civil_time.h"
#include "titip/gateway/attlog_import.h"

namespace titip::cli {
namespace {

void ProgressBar(uint64_t done, uint64_t total) {
  int pct = total ? static_cast<int>(done * 100 / total) : 100;
  int bars = pct / 4;
  std::fprintf(stderr, "\r[%-25s] %3d%%", std::string(static_cast<size_t>(bars), '#').c_str(), pct);
  if (done >= total) std::fprintf(stderr, "\n");
}

// Waiting helps only while punches are still on their way: a store full of delivered history
// (kept so that a terminal's whole log, read again, adds nothing) never drains by itself.
void StoreFullAdvice(storage::Store& store) {
  std::cerr << "titipctl: the store is full; punches already imported are safe.\n";
  auto c = store.GetCounters();
  if (c.ok() && c->undelivered > 0) {
    std::cerr << "titipctl: " << c->undelivered
              << " punches are still on their way upstream; import again once they are "
                 "delivered (titipctl queue).\n";
    return;
  }
  std::cerr << "titipctl: nothing is waiting for delivery: the store is full of delivered "
               "history, which does not drain. Raise [store] map_cap_mb (now "
            << (c.ok() ? c->map_cap_bytes >> 20 : 0) << " MiB) and restart the gateway.\n";
}

}  // namespace

int CmdImport(Context& ctx, const std::string& file, const std::string& terminal,
              const std::string& utc_offset, const std::string& date_order) {
  gateway::ImportOptions o;
  o.date_order = date_order == "mdy"   ? gateway::DateOrder::kMdy
                 : date_order == "dmy" ? gateway::DateOrder::kDmy
                                       : gateway::DateOrder::kAuto;
  o.path = file;
  o.terminal_serial = terminal;
  if (ctx.config) {
    o.unit = ctx.config->node.unit;
    o.utc_offset_min = ctx.config->node.utc_offset_min;
    bool known = false;
    for (const auto& t : ctx.config->terminals) known |= t.serial == terminal;
    if (!known) {
      std::cerr << "titipctl: warning: terminal " << terminal << " is not in " << ctx.config_path
                << "\n";
    }
  }
  if (!utc_offset.empty()) {
    auto off = ParseUtcOffset(utc_offset);
    if (!off) {
      std::cerr << "titipctl: bad --utc-offset '" << utc_offset << "' (want +07:00)\n";
      return kUsage;
    }
    o.utc_offset_min = *off;
  }
  std::unique_ptr<storage::Store> store;
  if (int rc = ctx.OpenWritable(&store); rc != kOk) return rc;
  bool tty = isatty(STDERR_FILENO) && !ctx.json;
  auto report =
      gateway::ImportAttlog(o, *store, SystemClock::Instance(),
                            tty ? ProgressBar : std::function<void(uint64_t, uint64_t)>());
  if (!report.ok()) {
    std::cerr << "titipctl: import failed: " << report.status().ToString() << "\n";
    if (report.status().code() == Code::kStoreFull) StoreFullAdvice(*store);
    return ExitFor(report.status());
  }
  const auto& r = *report;
  if (ctx.json) {
    nlohmann::json j = {
        {"file", file},          {"terminal", terminal},       {"lines", r.lines},
        {"added", r.added},      {"duplicates", r.duplicates}, {"garbage", r.garbage},
        {"rejected", r.rejected}};
    std::cout << j.dump() << "\n";
  } else {
    std::cout << "imported " << r.added << " new punches from " << file << " (" << r.duplicates
              << " already stored, " << r.garbage << " unreadable lines, " << r.rejected
              << " out of range)\n";
    for (const auto& i : r.issues) std::cout << "  line " << i.line << ": " << i.reason << "\n";
  }
  return kOk;
}

}  // namespace titip::cli
