// titip-termsim's ZK terminal, socket-free: the records it holds and one session's answers to
// ZK binary packets (terminal-protocols.md §1). zk_server.cc carries the bytes and applies
// the reply pacing of §1.11 (one frame per write, a gap between writes).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "titip/common/clock.h"
#include "titip/gateway/zk_proto.h"

namespace titip::tools {

struct ZkDeviceOptions {
  std::string serial;
  uint32_t comm_key = 0;        // 0 = none (the JS clients cannot authenticate, §1.3)
  int utc_offset_min = 420;     // the terminal's wall clock shows UTC + this
  int64_t clock_drift_s = 0;    // and runs this far off
  uint32_t direct_max = 65536;  // datasets up to this many bytes go in one CMD_DATA (§1.11)
  uint32_t record_capacity = 100000;
  uint32_t frame_max = 0;  // split each chunk's CMD_DATA into frames of this size (0 = one)
};

// The terminal's memory: records and users, shared by all sessions.
class ZkDevice {
 public:
  ZkDevice(ZkDeviceOptions o, std::vector<gateway::zk::Record> records, const Clock& clock);
  const ZkDeviceOptions& options() const { return o_; }
  std::string AttendanceDataset() const;  // u32 length + 40-byte records
  std::string UserDataset() const;        // u32 length + 72-byte users
  gateway::zk::FreeSizes Sizes() const;
  void ClearAttendance();
  uint32_t NowTerminalTime() const;  // packed ZK time of the drifting terminal clock
  size_t record_count() const;

 private:
  ZkDeviceOptions o_;
  mutable std::mutex mu_;
  std::vector<gateway::zk::Record> records_;
  std::vector<std::string> users_;  // distinct PINs, in first-seen order
  const Clock& clock_;
};

// One TCP connection's state. Handle() returns the TCP frames to send, in order, each to be
// written separately; `close` is set after CMD_EXIT.
class ZkSession {
 public:
  // `datagram`: UDP rules (§1.5): CMD_DATA frames of at most 1024 bytes, direct replies only
  // up to 1016 bytes.
  ZkSession(ZkDevice& device, uint16_t session_id, bool datagram = false)
      : dev_(device), session_(session_id), datagram_(datagram) {}
  std::vector<std::string> Handle(const gateway::zk::Packet& p, bool* close);
  uint64_t unknown_commands() const { return unknown_; }

 private:
  std::string Reply(uint16_t cmd, uint16_t reply, std::string_view data = {}) const;
  std::vector<std::string> Chunk(uint32_t start, uint32_t len, uint16_t reply) const;
  std::string Option(std::string key) const;

  ZkDevice& dev_;
  uint16_t session_;
  bool datagram_;
  bool authed_ = false;
  std::string buffer_;  // dataset prepared by the last _CMD_PREPARE_BUFFER
  uint64_t unknown_ = 0;
};

}  // namespace titip::tools
