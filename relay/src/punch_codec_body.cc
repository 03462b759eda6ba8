// Encoder and strict decoder of the packed-punch body (layout in punch_codec.h). Columnar so
// that fields that rarely change (terminal, unit, verify, the +1 seq step) cost one value per
// batch, and so zstd sees long runs of similar bytes in the columns that do change.
#include "punch_codec_body.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <unordered_map>
#include <utility>

#include "punch_codec_bytes.h"

namespace titip::relay::codec {
namespace {

enum Column : int {
  kStream,
  kSeq,
  kTerminal,
  kPin,
  kUnit,
  kDeviceTime,
  kUtcOffset,
  kVerify,
  kStatus,
  kWorkcode,
  kReceivedAt,
  kFlags,
  kNumColumns
};

constexpr std::array<const char*, kNumColumns> kColumnNames = {
    "stream column", "seq column",         "terminal column",    "pin column",
    "unit column",   "device_time column", "utc_offset column",  "verify column",
    "status column", "workcode column",    "received_at column", "flags column"};

constexpr uint64_t kAllColumnsMask = (uint64_t{1} << kNumColumns) - 1;
constexpr uint64_t kMaxU32 = std::numeric_limits<uint32_t>::max();
// A stream entry is at least 1 (origin index) + 8 (epoch) + 1 (seq_base) bytes.
constexpr uint64_t kMinStreamEntryBytes = 10;

struct Stream {
  uint64_t origin = 0;  // string index
  uint64_t epoch = 0;
  uint64_t seq_base = 0;
};

// Differences modulo 2^64, so any pair of int64/uint64 values has an exact, reversible delta.
uint64_t Delta(uint64_t cur, uint64_t prev) { return ZigZag(static_cast<int64_t>(cur - prev)); }
uint64_t Undelta(uint64_t zz, uint64_t prev) { return prev + static_cast<uint64_t>(UnZigZag(zz)); }

// Strings in order of first appearance; views point into the punches being encoded.
class Dictionary {
 public:
  uint64_t Intern(std::string_view s) {
    auto [it, inserted] = index_.try_emplace(s, strings_.size());
    if (inserted) strings_.push_back(s);
    return it->second;
  }
  const std::vector<std::string_view>& strings() const { return strings_; }

 private:
  std::unordered_map<std::string_view, uint64_t> index_;
  std::vector<std::string_view> strings_;
};

bool IsConstant(const std::vector<uint64_t>& values) {
  return !values.empty() &&
         std::all_of(values.begin(), values.end(), [&](uint64_t v) { return v == values[0]; });
}

// One bit per column rather than a mode byte each: a single-punch batch (the common live case)
// would otherwise pay 12 bytes of modes, 10 more than this costs.
void WriteColumns(const std::array<std::vector<uint64_t>, kNumColumns>& cols, ByteWriter* w) {
  uint64_t constant_mask = 0;
  for (int c = 0; c < kNumColumns; ++c) {
    if (IsConstant(cols[c])) constant_mask |= uint64_t{1} << c;
  }
  w->Varint(constant_mask);
  for (int c = 0; c < kNumColumns; ++c) {
    if ((constant_mask >> c) & 1) {
      w->Varint(cols[c][0]);
    } else {
      for (uint64_t v : cols[c]) w->Varint(v);
    }
  }
}

// One decoded column: either one value for every punch, or one value each.
struct ColumnValues {
  uint64_t constant = 0;
  std::vector<uint64_t> values;  // empty when constant
  uint64_t at(size_t i) const { return values.empty() ? constant : values[i]; }
};

// Reads one column of `n` values, each <= `max`. A plain column needs >= 1 byte per value,
// checked before reserving, so a lying count cannot allocate beyond the input's size.
Status ReadColumn(ByteReader* r, uint64_t n, int col, bool constant, uint64_t max,
                  ColumnValues* out) {
  const char* what = kColumnNames[col];
  const size_t start = r->offset();
  if (constant) {
    if (Status s = r->Varint(what, &out->constant); !s.ok()) return s;
    if (out->constant > max) return r->Bad(what, start, "value out of range");
    return Status::Ok();
  }
  if (n > r->remaining()) return r->Bad(what, start, "more values than bytes left");
  out->values.resize(static_cast<size_t>(n));
  for (uint64_t& v : out->values) {
    if (Status s = r->Varint(what, &v); !s.ok()) return s;
    if (v > max) return r->Bad(what, r->offset(), "value out of range");
  }
  return Status::Ok();
}

Status ReadStrings(ByteReader* r, uint64_t n, std::vector<std::string_view>* strings) {
  const size_t start = r->offset();
  uint64_t count = 0;
  if (Status s = r->Varint("string count", &count); !s.ok()) return s;
  // Each punch contributes at most 4 strings; each string needs >= 1 byte (its length).
  if (count / 4 > n || (count / 4 == n && count % 4 != 0)) {
    return r->Bad("string count", start, "more than 4 per punch");
  }
  if (count > r->remaining()) return r->Bad("string count", start, "more strings than bytes");
  strings->reserve(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t len = 0;
    std::string_view s;
    if (Status st = r->Varint("string length", &len); !st.ok()) return st;
    if (Status st = r->Bytes("string bytes", len, &s); !st.ok()) return st;
    strings->push_back(s);
  }
  return Status::Ok();
}

Status ReadStreams(ByteReader* r, uint64_t n, uint64_t string_count, std::vector<Stream>* streams) {
  const size_t start = r->offset();
  uint64_t count = 0;
  if (Status s = r->Varint("stream count", &count); !s.ok()) return s;
  if (count == 0 || count > n) return r->Bad("stream count", start, "not in 1..punch count");
  if (count > r->remaining() / kMinStreamEntryBytes) {
    return r->Bad("stream count", start, "more streams than bytes");
  }
  streams->resize(static_cast<size_t>(count));
  for (Stream& st : *streams) {
    const size_t at = r->offset();
    if (Status s = r->Varint("stream origin", &st.origin); !s.ok()) return s;
    if (st.origin >= string_count) return r->Bad("stream origin", at, "string index too big");
    if (Status s = r->Fixed64("stream epoch", &st.epoch); !s.ok()) return s;
    if (Status s = r->Varint("stream seq_base", &st.seq_base); !s.ok()) return s;
  }
  return Status::Ok();
}

// Inclusive upper bound of each column's values, given the table sizes (both >= 1 here).
std::array<uint64_t, kNumColumns> ColumnLimits(uint64_t strings, uint64_t streams) {
  constexpr uint64_t kAny = std::numeric_limits<uint64_t>::max();
  return {streams - 1, kAny,    strings - 1, strings - 1, strings - 1, kAny,
          kMaxU32,     kMaxU32, kMaxU32,     kMaxU32,     kAny,        (kMaxU32 << 1) | 1};
}

void BuildPunches(const std::vector<std::string_view>& strings, const std::vector<Stream>& streams,
                  const std::array<ColumnValues, kNumColumns>& cols, size_t n,
                  std::vector<wire::Punch>* out) {
  std::vector<uint64_t> last_seq;
  last_seq.reserve(streams.size());
  for (const Stream& st : streams) last_seq.push_back(st.seq_base);
  uint64_t device_time = 0;
  uint64_t received_at = 0;
  out->resize(n);
  for (size_t i = 0; i < n; ++i) {
    wire::Punch& p = (*out)[i];
    p.Clear();  // a reused punch: keeps its strings' buffers, nothing else
    auto set = [&](std::string* field, int col) {
      const std::string_view s = strings[cols[col].at(i)];
      field->assign(s.data(), s.size());
    };
    const Stream& st = streams[cols[kStream].at(i)];
    uint64_t& seq = last_seq[cols[kStream].at(i)];
    seq = Undelta(cols[kSeq].at(i), seq + 1);
    device_time = Undelta(cols[kDeviceTime].at(i), device_time);
    received_at = Undelta(cols[kReceivedAt].at(i), received_at);
    const uint64_t flags = cols[kFlags].at(i);
    p.mutable_origin()->assign(strings[st.origin].data(), strings[st.origin].size());
    p.set_epoch(st.epoch);
    p.set_seq(seq);
    set(p.mutable_terminal(), kTerminal);
    set(p.mutable_pin(), kPin);
    set(p.mutable_unit(), kUnit);
    p.set_device_time(static_cast<int64_t>(device_time));
    p.set_utc_offset_min(static_cast<int32_t>(UnZigZag(cols[kUtcOffset].at(i))));
    p.set_verify(static_cast<uint32_t>(cols[kVerify].at(i)));
    p.set_status(static_cast<uint32_t>(cols[kStatus].at(i)));
    p.set_workcode(static_cast<uint32_t>(cols[kWorkcode].at(i)));
    p.set_received_at_ms(static_cast<int64_t>(received_at));
    p.set_clock_synced((flags & 1) != 0);
    p.set_source(static_cast<wire::Source>(static_cast<int32_t>(UnZigZag(flags >> 1))));
  }
}

}  // namespace

void EncodeBody(const std::vector<wire::Punch>& punches, std::string* out) {
  ByteWriter w(out);
  w.Varint(punches.size());
  if (punches.empty()) return;
  Dictionary dict;
  std::vector<Stream> streams;
  std::vector<uint64_t> last_seq;                                // per stream
  std::map<std::pair<uint64_t, uint64_t>, size_t> stream_index;  // (origin, epoch) -> stream
  std::array<std::vector<uint64_t>, kNumColumns> cols;
  for (auto& c : cols) c.reserve(punches.size());
  uint64_t device_time = 0;
  uint64_t received_at = 0;
  for (const wire::Punch& p : punches) {
    const uint64_t origin = dict.Intern(p.origin());
    cols[kTerminal].push_back(dict.Intern(p.terminal()));
    cols[kPin].push_back(dict.Intern(p.pin()));
    cols[kUnit].push_back(dict.Intern(p.unit()));
    auto [it, inserted] = stream_index.try_emplace({origin, p.epoch()}, streams.size());
    if (inserted) {
      // seq_base = first seq - 1, so a stream's first punch, like a dense run, encodes as 0.
      streams.push_back({origin, p.epoch(), p.seq() - 1});
      last_seq.push_back(p.seq() - 1);
    }
    cols[kStream].push_back(it->second);
    cols[kSeq].push_back(Delta(p.seq(), last_seq[it->second] + 1));
    last_seq[it->second] = p.seq();
    const auto dt = static_cast<uint64_t>(p.device_time());
    const auto rx = static_cast<uint64_t>(p.received_at_ms());
    cols[kDeviceTime].push_back(Delta(dt, device_time));
    cols[kReceivedAt].push_back(Delta(rx, received_at));
    device_time = dt;
    received_at = rx;
    cols[kUtcOffset].push_back(ZigZag(p.utc_offset_min()));
    cols[kVerify].push_back(p.verify());
    cols[kStatus].push_back(p.status());
    cols[kWorkcode].push_back(p.workcode());
    const uint64_t source = ZigZag(static_cast<int32_t>(p.source()));
    cols[kFlags].push_back((source << 1) | (p.clock_synced() ? 1 : 0));
  }
  w.Varint(dict.strings().size());
  for (std::string_view s : dict.strings()) {
    w.Varint(s.size());
    w.Bytes(s);
  }
  w.Varint(streams.size());
  for (const Stream& st : streams) {
    w.Varint(st.origin);
    w.Fixed64(st.epoch);
    w.Varint(st.seq_base);
  }
  WriteColumns(cols, &w);
}

Status DecodeBody(std::string_view body, size_t max_punches, std::vector<wire::Punch>* out) {
  ByteReader r(body);
  uint64_t n = 0;
  if (Status s = r.Varint("punch count", &n); !s.ok()) return s;
  if (n > max_punches) {
    return Status::Invalid("packed punches: batch holds " + std::to_string(n) +
                           " punches, more than the limit of " + std::to_string(max_punches));
  }
  std::vector<std::string_view> strings;
  std::vector<Stream> streams;
  std::array<ColumnValues, kNumColumns> cols;
  if (n > 0) {
    if (Status s = ReadStrings(&r, n, &strings); !s.ok()) return s;
    // A batch with punches has at least one origin string; ReadStreams checks the index.
    if (Status s = ReadStreams(&r, n, strings.size(), &streams); !s.ok()) return s;
    const size_t at = r.offset();
    uint64_t constant_mask = 0;
    if (Status s = r.Varint("column mask", &constant_mask); !s.ok()) return s;
    if ((constant_mask & ~kAllColumnsMask) != 0) return r.Bad("column mask", at, "unknown bits");
    const auto limits = ColumnLimits(strings.size(), streams.size());
    for (int c = 0; c < kNumColumns; ++c) {
      const bool constant = (constant_mask >> c) & 1;
      if (Status s = ReadColumn(&r, n, c, constant, limits[c], &cols[c]); !s.ok()) return s;
    }
  }
  if (r.remaining() != 0) {
    return r.Bad("end of body", r.offset(), std::to_string(r.remaining()) + " trailing bytes");
  }
  BuildPunches(strings, streams, cols, static_cast<size_t>(n), out);
  return Status::Ok();
}

}  // namespace titip::relay::codec
