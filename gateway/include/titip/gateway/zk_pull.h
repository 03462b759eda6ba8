// The gateway's ZK pull adapter (issue 4 §1): every poll_interval_s (with jitter) it opens one
// TCP connection to the terminal, authenticates, reads free sizes and the terminal clock, reads
// every attendance record with the buffered read, appends them through the group committer
// (natural-key dedupe makes re-reading the whole log harmless) and says goodbye.
// It never sends CMD_CLEAR_ATTLOG: the terminal keeps its log (see README, "zk adapter").
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "titip/common/clock.h"
#include "titip/common/status.h"
#include "titip/config/config.h"
#include "titip/gateway/zk_proto.h"
#include "titip/relay/services.h"
#include "titip/storage/group_commit.h"

namespace titip::gateway {

// A byte pipe to a terminal; ReadSome waits at most the stream's own timeout. A datagram
// stream carries one bare packet per Write/ReadSome (ZK over UDP: no TCP wrapper).
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  virtual Status Write(std::string_view bytes) = 0;
  virtual Result<std::string> ReadSome() = 0;
  virtual bool datagram() const { return false; }
};

// TCP to "HOST:PORT". Every wait is cut into short slices so that `stop` (may be null) ends a
// pull within ~100 ms when the daemon shuts down.
Result<std::unique_ptr<ByteStream>> ConnectZkTcp(const std::string& address,
                                                 std::chrono::milliseconds io_timeout,
                                                 const std::atomic<bool>* stop);

// UDP to "HOST:PORT" (the terminal's same port 4370).
Result<std::unique_ptr<ByteStream>> ConnectZkUdp(const std::string& address,
                                                 std::chrono::milliseconds io_timeout,
                                                 const std::atomic<bool>* stop);

struct ZkPullOptions {
  std::string serial;
  std::string unit;
  uint32_t comm_key = 0;
  int utc_offset_min = 420;
  size_t batch = 2000;         // punches per WriteOp
  int full_warn_percent = 80;  // warn when the terminal's log is fuller than this
};

struct ZkPullReport {
  uint64_t read = 0;  // records decoded from the terminal
  uint64_t added = 0;
  uint64_t duplicates = 0;
  uint64_t rejected = 0;     // refused by the store (e.g. time out of bounds)
  uint64_t bad_records = 0;  // undecodable (impossible time, empty PIN)
  size_t record_size = 0;
  zk::FreeSizes sizes;
  bool nearly_full = false;
  int64_t clock_skew_s = 0;  // terminal clock minus gateway clock (both as local wall time)
  bool skew_known = false;
};

// One whole pull over an open stream. Errors name the step that failed.
Result<ZkPullReport> PullZkOnce(ByteStream& stream, const ZkPullOptions& options,
                                storage::GroupCommitter& committer, const Clock& clock);

// The scheduled service for one [[terminal]] of kind "zk"; polls at once, then every
// poll_interval_s plus up to 10% jitter, on `ctx.clock`.
std::unique_ptr<relay::Service> StartZkAdapter(relay::DaemonContext& ctx,
                                               const config::TerminalConfig& terminal);

}  // namespace titip::gateway
