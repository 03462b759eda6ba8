// What the simulated ZK terminal answers (terminal-protocols.md §1.3-1.9).
#include "zk_device.h"

#include <algorithm>
#include <map>

namespace titip::tools {

namespace zk = gateway::zk;

ZkDevice::ZkDevice(ZkDeviceOptions o, std::vector<zk::Record> records, const Clock& clock)
    : o_(std::move(o)), records_(std::move(records)), clock_(clock) {
  std::map<std::string, uint16_t> uid;
  for (auto& r : records_) {
    auto [it, fresh] = uid.emplace(r.pin, static_cast<uint16_t>(users_.size() + 1));
    if (fresh) users_.push_back(r.pin);
    r.uid = it->second;
  }
}

std::string ZkDevice::AttendanceDataset() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> recs;
  recs.reserve(records_.size());
  for (const auto& r : records_) recs.push_back(zk::EncodeRecord40(r));
  return zk::EncodeDataset(recs);
}

std::string ZkDevice::UserDataset() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < users_.size(); ++i) {
    std::string u(72, '\0');
    uint16_t uid = static_cast<uint16_t>(i + 1);
    u[0] = static_cast<char>(uid & 0xFF);
    u[1] = static_cast<char>(uid >> 8);
    std::string name = "Pegawai " + users_[i];
    std::copy_n(name.begin(), std::min<size_t>(name.size(), 23), u.begin() + 11);
    std::copy_n(users_[i].begin(), std::min<size_t>(users_[i].size(), 23), u.begin() + 48);
    out.push_back(std::move(u));
  }
  return zk::EncodeDataset(out);
}

zk::FreeSizes ZkDevice::Sizes() const {
  std::lock_guard<std::mutex> l(mu_);
  zk::FreeSizes f;
  f.users = static_cast<int32_t>(users_.size());
  f.records = static_cast<int32_t>(records_.size());
  f.user_capacity = 10000;
  f.finger_capacity = 3000;
  f.record_capacity = static_cast<int32_t>(o_.record_capacity);
  return f;
}

void ZkDevice::ClearAttendance() {
  std::lock_guard<std::mutex> l(mu_);
  records_.clear();
}

size_t ZkDevice::record_count() const {
  std::lock_guard<std::mutex> l(mu_);
  return records_.size();
}

uint32_t ZkDevice::NowTerminalTime() const {
  int64_t civil = clock_.Wall().count() / 1000 + int64_t{o_.utc_offset_min} * 60 + o_.clock_drift_s;
  return zk::EncodeTime(civil);
}

std::string ZkSession::Reply(uint16_t cmd, uint16_t reply, std::string_view data) const {
  return zk::EncodeTcp(cmd, session_, reply, data);
}

std::string ZkSession::Option(std::string key) const {
  while (!key.empty() && key.back() == '\0') key.pop_back();  // pyzk NUL-terminates, JS not
  static const std::map<std::string, std::string> fixed = {
      {"~DeviceName", "titip-termsim"},
      {"~Platform", "ZMM220_TFT"},
      {"MAC", "00:17:61:10:00:01"},
      {"~ZKFPVersion", "10"},
      {"ZKFaceVersion", "0"},
      {"~ExtendFmt", "0"},
      {"~UserExtFmt", "0"},
      {"FaceFunOn", "0"},
      {"CompatOldFirmware", "0"},
      {"IPAddress", "127.0.0.1"},
      {"NetMask", "255.0.0.0"},
      {"GATEIPAddress", "0.0.0.0"},
      {"~OEMVendor", "ZKTeco Inc."},
      {"~ProductTime", "2017-04-28 10:00:00"},
      {"~OS", "1"},
      {"WorkCode", "0"},
      {"~PIN2Width", "9"},
      {"~SSR", "1"},
  };
  if (key == "~SerialNumber") return key + "=" + dev_.options().serial + std::string(1, '\0');
  auto it = fixed.find(key);
  if (it == fixed.end()) return {};
  return key + "=" + it->second + std::string(1, '\0');
}

std::vector<std::string> ZkSession::Chunk(uint32_t start, uint32_t len, uint16_t reply) const {
  std::vector<std::string> out;
  if (start > buffer_.size() || len > buffer_.size() - start) {
    out.push_back(Reply(zk::kAckError, reply));
    return out;
  }
  out.push_back(Reply(zk::kCmdPrepareData, reply, zk::ReadBufferRequest(len, 0x3F0)));
  uint32_t step = dev_.options().frame_max ? dev_.options().frame_max : std::max<uint32_t>(len, 1);
  if (datagram_) step = std::min<uint32_t>(step, 1024);
  for (uint32_t off = 0; off < len; off += step) {
    out.push_back(Reply(zk::kCmdData, reply,
                        std::string_view(buffer_).substr(start + off, std::min(step, len - off))));
  }
  out.push_back(Reply(zk::kAckOk, reply));
  return out;
}

std::vector<std::string> ZkSession::Handle(const zk::Packet& p, bool* close) {
  const uint16_t r = p.reply;
  *close = false;
  if (p.cmd == zk::kCmdConnect) {
    authed_ = dev_.options().comm_key == 0;
    return {Reply(authed_ ? zk::kAckOk : zk::kAckUnauth, r)};
  }
  if (p.cmd == zk::kCmdAuth) {
    bool ok = false;
    if (p.data.size() >= 4) {
      auto want =
          zk::MakeCommKey(dev_.options().comm_key, session_, static_cast<uint8_t>(p.data[2]));
      ok = std::equal(want.begin(), want.end(), p.data.begin(),
                      [](uint8_t w, char c) { return w == static_cast<uint8_t>(c); });
    }
    authed_ = ok;
    return {Reply(ok ? zk::kAckOk : zk::kAckUnauth, r)};
  }
  if (p.cmd == zk::kCmdExit) {
    *close = true;
    return {Reply(zk::kAckOk, r)};
  }
  if (!authed_) return {Reply(zk::kAckUnauth, r)};
  switch (p.cmd) {
    case zk::kCmdGetFreeSizes:
      return {Reply(zk::kAckOk, r, zk::EncodeFreeSizes(dev_.Sizes()))};
    case zk::kCmdGetTime: {
      uint32_t t = dev_.NowTerminalTime();
      std::string d(4, '\0');
      for (int i = 0; i < 4; ++i) d[i] = static_cast<char>((t >> (8 * i)) & 0xFF);
      return {Reply(zk::kAckOk, r, d)};
    }
    case zk::kCmdGetVersion:
      return {Reply(zk::kAckOk, r, std::string("Ver 6.60 Apr 28 2017\0", 21))};
    case zk::kCmdOptionsRrq: {
      std::string v = Option(p.data);
      return {Reply(v.empty() ? zk::kAckError : zk::kAckOk, r, v)};
    }
    case zk::kCmdClearAttlog:
      dev_.ClearAttendance();
      return {Reply(zk::kAckOk, r)};
    case zk::kCmdPrepareBuffer: {
      uint16_t sub = p.data.size() >= 3
                         ? static_cast<uint16_t>(static_cast<uint8_t>(p.data[1]) |
                                                 (static_cast<uint8_t>(p.data[2]) << 8))
                         : 0;
      if (sub == zk::kCmdAttlogRrq) {
        buffer_ = dev_.AttendanceDataset();
      } else if (sub == 9) {  // CMD_USERTEMP_RRQ with FCT_USER: the user table
        buffer_ = dev_.UserDataset();
      } else {
        return {Reply(zk::kAckError, r)};
      }
      uint32_t direct_max = dev_.options().direct_max;
      if (datagram_) direct_max = std::min<uint32_t>(direct_max, 1016);
      if (buffer_.size() <= direct_max) return {Reply(zk::kCmdData, r, buffer_)};
      return {Reply(zk::kAckOk, r, zk::BufferAck(static_cast<uint32_t>(buffer_.size())))};
    }
    case zk::kCmdReadBuffer: {
      auto req = zk::DecodeReadBufferRequest(p.data);
      if (!req.ok()) return {Reply(zk::kAckError, r)};
      return Chunk(req->first, req->second, r);
    }
    case zk::kCmdAttlogRrq: {  // legacy read (zklib 0.2.11): PREPARE_DATA, DATA, ACK
      buffer_ = dev_.AttendanceDataset();
      return {Reply(zk::kCmdPrepareData, r,
                    zk::ReadBufferRequest(static_cast<uint32_t>(buffer_.size()), 0)),
              Reply(zk::kCmdData, r, buffer_), Reply(zk::kAckOk, r)};
    }
    case zk::kCmdFreeData:
      buffer_.clear();
      return {Reply(zk::kAckOk, r)};
    case zk::kCmdOptionsWrq:
    case zk::kCmdEnableDevice:
    case zk::kCmdDisableDevice:
    case zk::kCmdRefreshData:
    case zk::kCmdRegEvent:
    case 60:  // CMD_STARTVERIFY
    case 62:  // CMD_CANCELCAPTURE
      return {Reply(zk::kAckOk, r)};
    default:
      ++unknown_;
      return {Reply(zk::kAckUnknown, r)};
  }
}

}  // namespace titip::tools
