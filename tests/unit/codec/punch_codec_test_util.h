// Shared by the punch codec tests: seeded random batches that hit the awkward values (wrapping
// seqs, negative deltas, int extremes, unknown enum values, empty strings), a field-by-field
// comparison that names the punch and field that differ, and raw byte builders for hostile input.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "titip.pb.h"

namespace titip::relay::testing {

// A batch of `n` punches drawn from `rng`; same seed, same batch.
std::vector<wire::Punch> RandomBatch(std::mt19937_64& rng, size_t n);

// A realistic punch: the first of a dense run from one gateway and terminal.
wire::Punch OfficePunch(uint64_t seq, const std::string& pin, int64_t device_time);

// Adds a gtest failure (with `context`) for every field that differs; path is not compared
// (the codec does not carry it).
void ExpectSamePunches(const std::vector<wire::Punch>& want, const std::vector<wire::Punch>& got,
                       const std::string& context);

// Builders for hand-made hostile encodings.
void AppendVarint(std::string* out, uint64_t v);
std::string Hex(const std::string& bytes);
std::string Unhex(const std::string& hex);  // spaces ignored

}  // namespace titip::relay::testing
