// titip-termsim's ADMS face: a push terminal (terminal-protocols.md §2) that holds a
// synthetic attendance log and pushes it to an iclock server the way real firmware does:
// handshake, uploads of at most 128 lines, re-send of the same batch until an OK, getrequest
// polling, DATA QUERY ATTLOG answered by re-sending that range of its log (it never forgets
// rows after an OK, like real terminals).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "titip/common/clock.h"
#include "titip/common/status.h"
#include "titip/tools/workload.h"

namespace titip::tools {

struct AdmsClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8081;
  std::string serial;
  WorkloadOptions workload;
  // true: the whole log is recorded at once and pushed as fast as the server answers (tests);
  // false: punches are "made" at `rate` per second and each is pushed as it happens.
  bool fast = false;
  double rate = 2.0;
  size_t batch = 128;  // lines per POST, the firmware maximum [MB10]
  // 0 = use the server's Delay / ErrorDelay from the handshake (fast mode: 200 ms each).
  std::chrono::milliseconds delay{0};
  std::chrono::milliseconds error_delay{0};
  std::chrono::milliseconds timeout{10000};  // per HTTP request
  bool exit_when_done = false;  // stop once everything is acknowledged and two polls were idle
};

struct AdmsClientStats {
  uint64_t punches = 0;  // rows in the terminal's log
  uint64_t acked = 0;    // rows acknowledged by an OK (first upload)
  uint64_t posts = 0;    // ATTLOG POSTs sent
  uint64_t non_ok = 0;   // POSTs answered without OK (HTTP error or other text)
  uint64_t errors = 0;   // requests that failed at the network level
  uint64_t handshakes = 0;
  uint64_t queries = 0;      // DATA QUERY ATTLOG commands answered
  uint64_t resent_rows = 0;  // rows re-sent for those queries
};

// Runs until `stop` is set, or (exit_when_done) the log is fully acknowledged. Returns
// InvalidArgument for bad options; network failures are retried forever, never returned.
Result<AdmsClientStats> RunAdmsTerminal(const AdmsClientOptions& o, const Clock& clock,
                                        const std::atomic<bool>& stop);

}  // namespace titip::tools
