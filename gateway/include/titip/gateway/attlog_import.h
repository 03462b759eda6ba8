// USB import: an attlog.dat from a terminal's USB stick into the gateway's store. Safe while
// the daemon runs: LMDB serialises writers across processes, the daemon picks the new queued
// punches up on its next tick, and natural-key dedupe makes a repeated import harmless.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "titip/common/clock.h"
#include "titip/gateway/attlog_parser.h"
#include "titip/gateway/glg_parser.h"
#include "titip/storage/store.h"

namespace titip::gateway {

struct ImportOptions {
  std::string path;
  std::string terminal_serial;
  std::string unit;
  int utc_offset_min = 420;
  size_t batch = 2000;                      // punches per transaction: one fsync each
  DateOrder date_order = DateOrder::kAuto;  // GLG/AGL files only (glg_parser.h)
};

struct ImportReport {
  uint64_t lines = 0;
  uint64_t added = 0;
  uint64_t duplicates = 0;
  uint64_t garbage = 0;   // lines the parser refused
  uint64_t rejected = 0;  // parsed but out of bounds for the store (e.g. year 1970)
  std::vector<AttlogIssue> issues;
};

// progress(bytes_done, bytes_total) is called after each committed batch. A file that starts
// with a GLG/AGL header row (GLG_001.TXT, AGL_001.TXT) is decoded by ImportGlg instead.
Result<ImportReport> ImportAttlog(const ImportOptions& options, storage::Store& store,
                                  const Clock& clock,
                                  const std::function<void(uint64_t, uint64_t)>& progress = {});

// When a batch of records reached us, and whether our wall clock was synchronised then. Read
// once per batch (a file block, an HTTP body, a terminal's dataset): WallSynced is a system
// call (adjtimex), and read per record it was over half of an import's CPU.
struct ReceivedAt {
  int64_t wall_ms = 0;
  bool synced = false;
  static ReceivedAt Now(const Clock& clock) { return {clock.Wall().count(), clock.WallSynced()}; }
};

// Every terminal adapter turns a decoded record into the punch the store takes the same way:
// device time kept as the terminal wrote it, the unit's offset beside it, our receive time.
wire::Punch RecordToPunch(const AttlogRecord& r, const std::string& terminal,
                          const std::string& unit, int utc_offset_min, wire::Source source,
                          ReceivedAt at);

// GLG_001.TXT / AGL_001.TXT (glg_parser.h); at most kMaxGlgBytes, read whole.
inline constexpr uint64_t kMaxGlgBytes = 256ull << 20;
Result<ImportReport> ImportGlg(const ImportOptions& options, storage::Store& store,
                               const Clock& clock,
                               const std::function<void(uint64_t, uint64_t)>& progress = {});

}  // namespace titip::gateway
