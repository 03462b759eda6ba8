// ZK attendance records, packed time, free sizes and buffered-read request bodies
// (terminal-protocols.md §1.5-1.8).
#include <algorithm>

#include "titip/gateway/zk_proto.h"
#include "zk_bytes.h"

namespace titip::gateway::zk {
namespace {

using le::Put16;
using le::Put32;
using le::U16;
using le::U32;

// Proleptic Gregorian day numbers (days since 1970-01-01), H. Hinnant's algorithms.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
void CivilFromDays(int64_t z, int64_t* y, int64_t* m, int64_t* d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2);
}

std::string TrimPin(std::string_view raw) {
  size_t n = raw.find('\0');
  std::string s(raw.substr(0, n));
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

Record DecodeOne(std::string_view b, size_t size, uint32_t* raw_time) {
  Record r;
  if (size == 8) {
    r.uid = U16(b, 0);
    r.pin = std::to_string(r.uid);
    r.verify = static_cast<uint8_t>(b[2]);
    *raw_time = U32(b, 3);
    r.status = static_cast<uint8_t>(b[7]);
  } else if (size == 16) {
    uint32_t pin = U32(b, 0);
    r.uid = static_cast<uint16_t>(pin & 0xFFFF);
    r.pin = std::to_string(pin);
    *raw_time = U32(b, 4);
    r.status = static_cast<uint8_t>(b[8]);
    r.verify = static_cast<uint8_t>(b[9]);
    r.workcode = U32(b, 12);
  } else {
    r.uid = U16(b, 0);
    r.pin = TrimPin(b.substr(2, 24));
    r.verify = static_cast<uint8_t>(b[26]);
    *raw_time = U32(b, 27);
    r.status = static_cast<uint8_t>(b[31]);
  }
  return r;
}

}  // namespace

uint32_t EncodeTime(int64_t civil) {
  int64_t days = civil >= 0 ? civil / 86400 : (civil - 86399) / 86400;
  int64_t sod = civil - days * 86400;
  int64_t y, m, d;
  CivilFromDays(days, &y, &m, &d);
  int64_t t = ((y % 100) * 12 * 31 + (m - 1) * 31 + (d - 1)) * 86400 + sod;
  return static_cast<uint32_t>(t);
}

std::optional<int64_t> DecodeTime(uint32_t t) {
  int64_t v = t;
  int64_t s = v % 60;
  v /= 60;
  int64_t mi = v % 60;
  v /= 60;
  int64_t h = v % 24;
  v /= 24;
  int64_t d = v % 31 + 1;
  v /= 31;
  int64_t m = v % 12 + 1;
  int64_t y = v / 12 + 2000;
  if (y > 2099) return std::nullopt;
  int64_t days = DaysFromCivil(y, m, d);
  int64_t y2, m2, d2;
  CivilFromDays(days, &y2, &m2, &d2);
  if (y2 != y || m2 != m || d2 != d) return std::nullopt;  // Feb 30, Apr 31, ...
  return days * 86400 + h * 3600 + mi * 60 + s;
}

Result<Attendance> DecodeAttendance(std::string_view ds, uint32_t count_hint) {
  if (ds.size() < 4) {
    return Status::Corruption("zk attendance dataset of " + std::to_string(ds.size()) +
                              " bytes has no 4-byte length prefix");
  }
  uint32_t bytes = U32(ds, 0);
  if (bytes > ds.size() - 4) {
    return Status::Corruption("zk attendance dataset truncated: prefix says " +
                              std::to_string(bytes) + " bytes of records, " +
                              std::to_string(ds.size() - 4) + " present");
  }
  Attendance out;
  if (bytes == 0) return out;
  size_t size = 0;
  if (count_hint > 0 && bytes % count_hint == 0) {
    size_t s = bytes / count_hint;
    if (s == 8 || s == 16 || s == 40) size = s;
  }
  for (size_t s : {40, 16, 8}) {
    if (size == 0 && bytes % s == 0) size = s;
  }
  if (size == 0) {
    return Status::Corruption("zk attendance dataset of " + std::to_string(bytes) +
                              " bytes is no whole number of 8, 16 or 40-byte records");
  }
  out.record_size = size;
  out.records.reserve(bytes / size);
  for (size_t off = 4; off + size <= 4 + bytes; off += size) {
    uint32_t raw = 0;
    Record r = DecodeOne(ds.substr(off, size), size, &raw);
    std::optional<int64_t> t = DecodeTime(raw);
    if (!t || r.pin.empty()) {
      ++out.bad_records;
      if (out.issues.size() < 5) {
        out.issues.push_back("record " + std::to_string((off - 4) / size) + ": " +
                             (t ? "empty PIN" : "impossible time " + std::to_string(raw)));
      }
      continue;
    }
    r.device_time = *t;
    out.records.push_back(std::move(r));
  }
  return out;
}

std::string EncodeRecord40(const Record& r) {
  std::string s;
  Put16(&s, r.uid);
  std::string pin = r.pin.substr(0, 24);
  pin.resize(24, '\0');
  s += pin;
  s.push_back(static_cast<char>(r.verify));
  Put32(&s, EncodeTime(r.device_time));
  s.push_back(static_cast<char>(r.status));
  s += std::string("\0\0\0\0\xff\0\0\0", 8);
  return s;
}

std::string EncodeRecord16(const Record& r) {
  std::string s;
  Put32(&s, static_cast<uint32_t>(std::stoul(r.pin.empty() ? "0" : r.pin)));
  Put32(&s, EncodeTime(r.device_time));
  s.push_back(static_cast<char>(r.status));
  s.push_back(static_cast<char>(r.verify));
  Put16(&s, 0);
  Put32(&s, r.workcode);
  return s;
}

std::string EncodeRecord8(const Record& r) {
  std::string s;
  Put16(&s, r.uid);
  s.push_back(static_cast<char>(r.verify));
  Put32(&s, EncodeTime(r.device_time));
  s.push_back(static_cast<char>(r.status));
  return s;
}

std::string EncodeDataset(const std::vector<std::string>& records) {
  size_t n = 0;
  for (const auto& r : records) n += r.size();
  std::string s;
  s.reserve(4 + n);
  Put32(&s, static_cast<uint32_t>(n));
  for (const auto& r : records) s += r;
  return s;
}

Result<FreeSizes> DecodeFreeSizes(std::string_view d) {
  if (d.size() < 68) {
    return Status::Corruption("zk free-sizes reply of " + std::to_string(d.size()) +
                              " bytes is shorter than 68");
  }
  auto at = [&](size_t off) { return static_cast<int32_t>(U32(d, off)); };
  FreeSizes f;
  f.users = at(16);
  f.fingers = at(24);
  f.records = at(32);
  f.finger_capacity = at(56);
  f.user_capacity = at(60);
  f.record_capacity = at(64);
  if (f.records < 0 || f.record_capacity < 0 || f.users < 0) {
    return Status::Corruption("zk free-sizes reply has negative counts");
  }
  return f;
}

std::string EncodeFreeSizes(const FreeSizes& f) {
  std::string s(92, '\0');
  auto put = [&](size_t off, int32_t v) {
    for (int i = 0; i < 4; ++i)
      s[off + i] = static_cast<char>((static_cast<uint32_t>(v) >> (8 * i)) & 0xFF);
  };
  put(16, f.users);
  put(24, f.fingers);
  put(32, f.records);
  put(56, f.finger_capacity);
  put(60, f.user_capacity);
  put(64, f.record_capacity);
  put(68, f.finger_capacity - f.fingers);
  put(72, f.user_capacity - f.users);
  put(76, f.record_capacity - f.records);
  return s;
}

std::string PrepareBufferRequest(uint16_t sub_cmd, uint32_t fct) {
  std::string s(1, '\x01');
  Put16(&s, sub_cmd);
  Put32(&s, fct);
  Put32(&s, 0);
  return s;
}

std::string ReadBufferRequest(uint32_t start, uint32_t len) {
  std::string s;
  Put32(&s, start);
  Put32(&s, len);
  return s;
}

Result<std::pair<uint32_t, uint32_t>> DecodeReadBufferRequest(std::string_view d) {
  if (d.size() < 8) return Status::Corruption("zk read-buffer request shorter than 8 bytes");
  return std::make_pair(U32(d, 0), U32(d, 4));
}

std::string BufferAck(uint32_t size) {
  std::string s(1, '\0');
  Put32(&s, size);
  Put32(&s, size);
  Put32(&s, 0);
  return s;
}

}  // namespace titip::gateway::zk
