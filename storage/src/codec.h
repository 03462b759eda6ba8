// Byte layouts of the store's keys and values. A contract (STYLE §7): changing any of these
// needs a new kLayoutVersion and a migration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "titip/storage/store.h"

namespace titip::storage {

void PutU64BE(std::string* out, uint64_t v);
uint64_t GetU64BE(std::string_view in);  // precondition: in.size() >= 8
std::string U64Key(uint64_t v);

// (origin, epoch) prefix shared by every punch key of that stream; sorts seqs numerically.
std::string StreamPrefix(std::string_view origin, uint64_t epoch);

// Natural table key (layout v2): [u64 BE device time ^ sign bit][u8 n][terminal][u8 n][PIN]
// [u64 BE verify]. Time-major, so the punches of one commit (mostly recent, in time order)
// land on a few leaf pages; v1's terminal-major key (NaturalKey) put each person's punches on
// their own leaf and the sink rewrote ~600 pages a commit, ~4.5 KB written per punch.
std::string NaturalIndexKey(const wire::Punch& p);
// A v1 natural table key rewritten as NaturalIndexKey; nullopt when it is not one (a v2 key
// starts with 0x80, a v1 key with the terminal's length, at most 64).
std::optional<std::string> NaturalIndexKeyFromV1(std::string_view v1);

// Punch table value: [u8 state][u64 BE qseq, 0 when not queued][serialized wire::Punch].
struct PunchValue {
  PunchState state = PunchState::kQueued;
  uint64_t qseq = 0;
  std::string_view body;
};
std::string EncodePunchValue(PunchState state, uint64_t qseq, std::string_view body);
// The same into `*out`, whose buffer is reused: the write path rewrites values per punch.
void EncodePunchValueTo(std::string* out, PunchState state, uint64_t qseq, std::string_view body);
bool DecodePunchValue(std::string_view bytes, PunchValue* out);

}  // namespace titip::storage
