// Key and value encodings of the punch store, and the field bounds every punch must meet.
#include "codec.h"

#include "titip/common/civil_time.h"

namespace titip::storage {

void PutU64BE(std::string* out, uint64_t v) {
  char b[8];  // one append: this runs several times per punch at every hop
  for (int i = 7; i >= 0; --i, v >>= 8) b[i] = static_cast<char>(v & 0xff);
  out->append(b, sizeof b);
}

uint64_t GetU64BE(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

std::string U64Key(uint64_t v) {
  std::string s;
  PutU64BE(&s, v);
  return s;
}

std::string StreamPrefix(std::string_view origin, uint64_t epoch) {
  std::string s;
  s.reserve(1 + origin.size() + 16);  // room for the seq EncodePunchKey appends
  s.push_back(static_cast<char>(origin.size()));
  s.append(origin);
  PutU64BE(&s, epoch);
  return s;
}

std::string EncodePunchKey(const PunchKey& k) {
  std::string s = StreamPrefix(k.origin, k.epoch);
  PutU64BE(&s, k.seq);
  return s;
}

std::optional<PunchKey> DecodePunchKey(std::string_view b) {
  if (b.empty()) return std::nullopt;
  size_t n = static_cast<uint8_t>(b[0]);
  if (b.size() != 1 + n + 16) return std::nullopt;
  return PunchKey{std::string(b.substr(1, n)), GetU64BE(b.substr(1 + n)),
                  GetU64BE(b.substr(9 + n))};
}

PunchKey KeyOf(const wire::Punch& p) { return {p.origin(), p.epoch(), p.seq()}; }

namespace {
// [u8 n][terminal][u8 n][PIN]: the identity part both natural key layouts share.
void PutTerminalPin(std::string* s, const wire::Punch& p) {
  s->push_back(static_cast<char>(p.terminal().size()));
  s->append(p.terminal());
  s->push_back(static_cast<char>(p.pin().size()));
  s->append(p.pin());
}
}  // namespace

std::string NaturalKey(const wire::Punch& p) {
  std::string s;
  PutTerminalPin(&s, p);
  // Flip the sign bit so negative civil times would still sort before positive ones.
  PutU64BE(&s, static_cast<uint64_t>(p.device_time()) ^ (1ull << 63));
  PutU64BE(&s, p.verify());
  return s;
}

std::string NaturalIndexKey(const wire::Punch& p) {
  std::string s;
  s.reserve(18 + p.terminal().size() + p.pin().size());
  PutU64BE(&s, static_cast<uint64_t>(p.device_time()) ^ (1ull << 63));
  PutTerminalPin(&s, p);
  PutU64BE(&s, p.verify());
  return s;
}

std::optional<std::string> NaturalIndexKeyFromV1(std::string_view v1) {
  if (v1.empty() || static_cast<uint8_t>(v1[0]) >= 0x80) return std::nullopt;
  size_t n = static_cast<uint8_t>(v1[0]);
  if (v1.size() < 2 + n) return std::nullopt;
  size_t m = static_cast<uint8_t>(v1[1 + n]);
  if (v1.size() != 2 + n + m + 16) return std::nullopt;
  std::string s(v1.substr(2 + n + m, 8));  // device time
  s.append(v1.substr(0, 2 + n + m));       // terminal, PIN with their lengths
  s.append(v1.substr(2 + n + m + 8, 8));   // verify
  return s;
}

void EncodePunchValueTo(std::string* out, PunchState state, uint64_t qseq, std::string_view body) {
  out->clear();
  out->reserve(9 + body.size());
  out->push_back(static_cast<char>(state));
  PutU64BE(out, qseq);
  out->append(body);
}

std::string EncodePunchValue(PunchState state, uint64_t qseq, std::string_view body) {
  std::string s;
  EncodePunchValueTo(&s, state, qseq, body);
  return s;
}

bool DecodePunchValue(std::string_view b, PunchValue* out) {
  if (b.size() < 9) return false;
  uint8_t st = static_cast<uint8_t>(b[0]);
  if (st < 1 || st > 6) return false;
  out->state = static_cast<PunchState>(st);
  out->qseq = GetU64BE(b.substr(1));
  out->body = b.substr(9);
  return true;
}

namespace {
bool PrintableToken(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}
}  // namespace

Status ValidatePunchFields(const wire::Punch& p) {
  if (!ValidNodeId(p.origin())) return Status::Invalid("bad origin node id");
  if (!PrintableToken(p.terminal(), 64)) return Status::Invalid("bad terminal serial");
  if (!PrintableToken(p.pin(), 32)) return Status::Invalid("bad PIN");
  // 2000-01-01 .. 2099-12-31 in civil seconds: outside it a terminal clock has reset.
  if (p.device_time() < 946684800 || p.device_time() > 4102444799) {
    return Status::Invalid("device time outside 2000..2099");
  }
  if (p.utc_offset_min() < -14 * 60 || p.utc_offset_min() > 14 * 60) {
    return Status::Invalid("bad utc offset");
  }
  return Status::Ok();
}

const char* StateName(PunchState s) {
  switch (s) {
    case PunchState::kQueued:
      return "queued";
    case PunchState::kInCustody:
      return "in_custody";
    case PunchState::kDelivered:
      return "delivered";
    case PunchState::kStored:
      return "stored";
    case PunchState::kAlias:
      return "alias";
    case PunchState::kForwarded:
      return "forwarded";
  }
  return "unknown";
}

}  // namespace titip::storage
