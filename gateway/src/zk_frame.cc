// ZK packets: checksum, header, TCP framing with resync, comm key (terminal-protocols.md §1.1-1.3).
#include <cstring>

#include "titip/gateway/zk_proto.h"
#include "zk_bytes.h"

namespace titip::gateway::zk {
namespace {

using le::Put16;
using le::Put32;
using le::U16;
using le::U32;

constexpr char kMagic[4] = {0x50, 0x50, static_cast<char>(0x82), 0x7d};

}  // namespace

uint16_t Checksum(uint16_t cmd, uint16_t session, uint16_t reply, std::string_view data) {
  uint64_t sum = uint64_t{cmd} + session + reply;
  size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += U16(data, i);
  if (i < data.size()) sum += static_cast<uint8_t>(data[i]);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xFFFF);
}

std::string EncodePacket(uint16_t cmd, uint16_t session, uint16_t reply, std::string_view data) {
  std::string out;
  out.reserve(kHeaderSize + data.size());
  Put16(&out, cmd);
  Put16(&out, Checksum(cmd, session, reply, data));
  Put16(&out, session);
  Put16(&out, reply);
  out.append(data.data(), data.size());
  return out;
}

std::string EncodeTcp(uint16_t cmd, uint16_t session, uint16_t reply, std::string_view data) {
  std::string out(kMagic, 4);
  Put32(&out, static_cast<uint32_t>(kHeaderSize + data.size()));
  out += EncodePacket(cmd, session, reply, data);
  return out;
}

Result<Packet> DecodePacket(std::string_view b) {
  if (b.size() < kHeaderSize) {
    return Status::Corruption("zk packet of " + std::to_string(b.size()) +
                              " bytes is shorter than the 8-byte header");
  }
  Packet p;
  p.cmd = U16(b, 0);
  p.checksum = U16(b, 2);
  p.session = U16(b, 4);
  p.reply = U16(b, 6);
  p.data.assign(b.substr(kHeaderSize));
  p.checksum_ok = Checksum(p.cmd, p.session, p.reply, p.data) == p.checksum;
  return p;
}

std::optional<Packet> TcpFrameReader::Next() {
  while (true) {
    size_t pos = buf_.find(std::string_view(kMagic, 4));
    if (pos == std::string::npos) {
      // Keep a tail that may be the start of a magic split across reads.
      size_t keep = std::min<size_t>(buf_.size(), 3);
      garbage_ += buf_.size() - keep;
      buf_.erase(0, buf_.size() - keep);
      return std::nullopt;
    }
    if (pos > 0) {
      garbage_ += pos;
      buf_.erase(0, pos);
    }
    if (buf_.size() < kTcpTopSize) return std::nullopt;
    uint32_t len = U32(buf_, 4);
    if (len < kHeaderSize || len > kMaxPacket) {
      garbage_ += 4;  // a magic followed by nonsense: skip it and look for the next one
      buf_.erase(0, 4);
      continue;
    }
    if (buf_.size() < kTcpTopSize + len) return std::nullopt;
    Result<Packet> p = DecodePacket(std::string_view(buf_).substr(kTcpTopSize, len));
    buf_.erase(0, kTcpTopSize + len);
    if (p.ok()) return std::move(p).value();
  }
}

std::array<uint8_t, 4> MakeCommKey(uint32_t key, uint16_t session, uint8_t ticks) {
  uint32_t k = 0;
  for (int i = 0; i < 32; ++i) k = (k << 1) | ((key >> i) & 1u);
  k += session;
  uint8_t b[4] = {static_cast<uint8_t>(k & 0xFF), static_cast<uint8_t>((k >> 8) & 0xFF),
                  static_cast<uint8_t>((k >> 16) & 0xFF), static_cast<uint8_t>(k >> 24)};
  b[0] ^= 'Z';
  b[1] ^= 'K';
  b[2] ^= 'S';
  b[3] ^= 'O';
  uint8_t s[4] = {b[2], b[3], b[0], b[1]};  // swap the two u16 halves
  return {static_cast<uint8_t>(s[0] ^ ticks), static_cast<uint8_t>(s[1] ^ ticks), ticks,
          static_cast<uint8_t>(s[3] ^ ticks)};
}

std::string CmdName(uint16_t cmd) {
  const char* n = "CMD";
  switch (cmd) {
    case kCmdConnect:
      n = "CMD_CONNECT";
      break;
    case kCmdExit:
      n = "CMD_EXIT";
      break;
    case kCmdAuth:
      n = "CMD_AUTH";
      break;
    case kCmdGetFreeSizes:
      n = "CMD_GET_FREE_SIZES";
      break;
    case kCmdGetTime:
      n = "CMD_GET_TIME";
      break;
    case kCmdPrepareBuffer:
      n = "_CMD_PREPARE_BUFFER";
      break;
    case kCmdReadBuffer:
      n = "_CMD_READ_BUFFER";
      break;
    case kCmdPrepareData:
      n = "CMD_PREPARE_DATA";
      break;
    case kCmdData:
      n = "CMD_DATA";
      break;
    case kCmdFreeData:
      n = "CMD_FREE_DATA";
      break;
    case kAckOk:
      n = "CMD_ACK_OK";
      break;
    case kAckError:
      n = "CMD_ACK_ERROR";
      break;
    case kAckUnauth:
      n = "CMD_ACK_UNAUTH";
      break;
    case kAckUnknown:
      n = "CMD_ACK_UNKNOWN";
      break;
    default:
      break;
  }
  return std::string(n) + "(" + std::to_string(cmd) + ")";
}

}  // namespace titip::gateway::zk
