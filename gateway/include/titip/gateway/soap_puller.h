// The SOAP pull adapter (kind = "soap"): every poll_interval_s (±10% jitter, so a office's
// terminals do not all pull at once) one connection to the terminal's /iWsService, GetAttLog
// for all PINs, the reply streamed through SoapAttLogParser and committed in batches through
// the group committer. The terminal's log is never cleared. New punches are those the store
// does not hold yet (natural-key dedupe), so every pull may return the whole log.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "titip/relay/services.h"

namespace titip::gateway {

struct SoapPullOptions {
  std::string serial;
  std::string address;  // HOST:PORT
  std::string unit;
  uint32_t comm_key = 0;
  int utc_offset_min = 420;
  std::chrono::seconds interval{300};
  // Big logs take long on these terminals (§3: scripts time out); the reply is streamed.
  std::chrono::seconds timeout{120};
  uint64_t max_response_bytes = 256ull << 20;
  size_t batch = 2000;  // punches per commit
};

struct SoapPullReport {
  uint64_t rows = 0, added = 0, duplicates = 0, rejected = 0, garbage = 0;
};

class SoapPuller : public relay::Service {
 public:
  SoapPuller(SoapPullOptions o, storage::GroupCommitter& committer, const Clock& clock,
             relay::TerminalBoard& board);
  ~SoapPuller() override;
  // Starts the polling thread (first pull at once).
  void Start();
  void Stop() override;
  // One pull, on the caller's thread; also updates the board.
  Result<SoapPullReport> PullOnce();

 private:
  Result<SoapPullReport> Pull();
  Status Commit(std::vector<wire::Punch>* punches, SoapPullReport* report);

  SoapPullOptions o_;
  storage::GroupCommitter& committer_;
  const Clock& clock_;
  relay::TerminalBoard& board_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace titip::gateway
