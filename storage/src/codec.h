// Byte layouts of the store's keys and values. A contract (STYLE §7): changing any of these
// needs a new kLayoutVersion and a migration.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "titip/storage/store.h"

namespace titip::storage {

void PutU64BE(std::string* out, uint64_t v);
uint64_t GetU64BE(std::string_view in);  // precondition: in.size() >= 8
std::string U64Key(uint64_t v);

// (origin, epoch) prefix shared by every punch key of that stream; sorts seqs numerically.
std::string StreamPrefix(std::string_view origin, uint64_t epoch);

// Punch table value: [u8 state][u64 BE qseq, 0 when not queued][serialized wire::Punch].
struct PunchValue {
  PunchState state = PunchState::kQueued;
  uint64_t qseq = 0;
  std::string_view body;
};
std::string EncodePunchValue(PunchState state, uint64_t qseq, std::string_view body);
bool DecodePunchValue(std::string_view bytes, PunchValue* out);

}  // namespace titip::storage
