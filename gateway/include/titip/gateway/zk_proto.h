// ZK binary "standalone" protocol (terminal-protocols.md §1): pure encoders and decoders, no
// sockets. Shared by the gateway's zk pull adapter and titip-termsim's zk face, so both ends
// of every test speak through the same bytes the doc pins down with real captures.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "titip/common/status.h"

namespace titip::gateway::zk {

// Command and reply codes (§1.4), only those we send or answer.
enum Cmd : uint16_t {
  kCmdAttlogRrq = 13,
  kCmdClearAttlog = 15,
  kCmdOptionsRrq = 11,
  kCmdOptionsWrq = 12,
  kCmdGetFreeSizes = 50,
  kCmdGetTime = 201,
  kCmdRegEvent = 500,
  kCmdConnect = 1000,
  kCmdExit = 1001,
  kCmdEnableDevice = 1002,
  kCmdDisableDevice = 1003,
  kCmdRefreshData = 1013,
  kCmdGetVersion = 1100,
  kCmdAuth = 1102,
  kCmdPrepareData = 1500,
  kCmdData = 1501,
  kCmdFreeData = 1502,
  kCmdPrepareBuffer = 1503,
  kCmdReadBuffer = 1504,
  kAckOk = 2000,
  kAckError = 2001,
  kAckUnauth = 2005,
  kAckUnknown = 0xFFFF,
};

inline constexpr size_t kHeaderSize = 8;
inline constexpr size_t kTcpTopSize = 8;            // 50 50 82 7d + u32 len
inline constexpr uint32_t kMaxChunk = 65472;        // 0xFFC0, what real clients ask for
inline constexpr uint32_t kMaxPacket = 4u << 20;    // larger `len` = garbage, resync
inline constexpr uint32_t kMaxDataset = 64u << 20;  // 1.6 M records of 40 B; beyond = lie

struct Packet {
  uint16_t cmd = 0;
  uint16_t checksum = 0;
  uint16_t session = 0;  // event code in realtime packets
  uint16_t reply = 0;
  std::string data;
  bool checksum_ok = true;
};

// Internet one's-complement checksum over header (checksum zeroed) and data (§1.2).
uint16_t Checksum(uint16_t cmd, uint16_t session, uint16_t reply, std::string_view data);
// UDP form: header + data, checksum filled in.
std::string EncodePacket(uint16_t cmd, uint16_t session, uint16_t reply, std::string_view data);
// TCP form: 50 50 82 7d, u32 len, then the UDP form.
std::string EncodeTcp(uint16_t cmd, uint16_t session, uint16_t reply, std::string_view data);
// One UDP datagram (or the payload of one TCP frame). Fails under 8 bytes; a bad checksum is
// reported in checksum_ok, not as an error (clients are lenient, so are we).
Result<Packet> DecodePacket(std::string_view bytes);

// Reassembles TCP frames from a byte stream fed in pieces of any size. Bytes that are not a
// frame (no magic, absurd length) are skipped up to the next magic and counted.
class TcpFrameReader {
 public:
  void Feed(std::string_view bytes) { buf_.append(bytes.data(), bytes.size()); }
  // The next complete frame, or nullopt when more bytes are needed.
  std::optional<Packet> Next();
  uint64_t garbage_bytes() const { return garbage_; }
  size_t buffered() const { return buf_.size(); }

 private:
  std::string buf_;
  uint64_t garbage_ = 0;
};

// Comm-key scrambling for CMD_AUTH (commpro.c MakeKey; §1.3).
std::array<uint8_t, 4> MakeCommKey(uint32_t key, uint16_t session, uint8_t ticks = 50);

// ZK packed time (§1.7) <-> civil seconds (titip/common/civil_time.h). Decode refuses
// impossible dates (Feb 30) and years outside 2000..2099 with nullopt.
uint32_t EncodeTime(int64_t civil_seconds);
std::optional<int64_t> DecodeTime(uint32_t t);

// One attendance record, whichever of the 8, 16 or 40-byte layouts it came in (§1.6).
struct Record {
  uint16_t uid = 0;
  std::string pin;
  int64_t device_time = 0;  // civil seconds
  uint32_t verify = 0;
  uint32_t status = 0;  // 0 in, 1 out, 2 break-out, 3 break-in, ...
  uint32_t workcode = 0;
  bool operator==(const Record&) const = default;
};

struct Attendance {
  std::vector<Record> records;
  size_t record_size = 0;
  uint64_t bad_records = 0;         // impossible time or empty PIN: skipped
  std::vector<std::string> issues;  // first few, for the log
};

// Decodes a dataset (u32 records_bytes, then packed records). `count_hint` is the record
// count from GET_FREE_SIZES (0 = unknown): it picks the record size the way pyzk does;
// otherwise 40, 16, 8 are tried in that order by divisibility.
Result<Attendance> DecodeAttendance(std::string_view dataset, uint32_t count_hint = 0);
// 40-byte layout (what TCP terminals and the JS clients use).
std::string EncodeRecord40(const Record& r);
std::string EncodeRecord16(const Record& r);
std::string EncodeRecord8(const Record& r);
// u32 records_bytes + records.
std::string EncodeDataset(const std::vector<std::string>& records);

// GET_FREE_SIZES reply data (§1.8).
struct FreeSizes {
  int32_t users = 0;
  int32_t fingers = 0;
  int32_t records = 0;
  int32_t user_capacity = 0;
  int32_t finger_capacity = 0;
  int32_t record_capacity = 0;
};
Result<FreeSizes> DecodeFreeSizes(std::string_view data);
std::string EncodeFreeSizes(const FreeSizes& f);  // 92 bytes

// Buffered read (§1.5 A).
std::string PrepareBufferRequest(uint16_t sub_cmd = kCmdAttlogRrq, uint32_t fct = 0);
std::string ReadBufferRequest(uint32_t start, uint32_t len);
Result<std::pair<uint32_t, uint32_t>> DecodeReadBufferRequest(std::string_view data);
std::string BufferAck(uint32_t size);  // the 13-byte ACK_OK data

// Client side of the buffered read over any transport: `send` writes one request, `recv`
// returns the next packet (its own timeout). Handles the direct CMD_DATA reply, ACK_OK+size
// or PREPARE_DATA, then 1504 chunks answered by PREPARE_DATA, CMD_DATA frame(s), ACK_OK.
// Returns the whole dataset (u32 records_bytes + records); sends CMD_FREE_DATA at the end.
using SendFn = std::function<Status(uint16_t cmd, std::string_view data)>;
using RecvFn = std::function<Result<Packet>()>;
Result<std::string> ReadBuffered(const SendFn& send, const RecvFn& recv,
                                 uint32_t max_chunk = kMaxChunk);

std::string CmdName(uint16_t cmd);  // for logs: "CMD_DATA(1501)"

}  // namespace titip::gateway::zk
