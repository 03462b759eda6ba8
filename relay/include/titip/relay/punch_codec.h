// Packed punch batches (SPEC §5 "Bandwidth"): a pure, bounded codec that turns a batch of
// punches into ~4-8 bytes each (100-1,000 office punches) instead of protobuf's ~87, for the
// `packed` field of a Bundle. Figures: tests/bench/punch_codec_bench.cc.
// No I/O, no clock, no global state; safe to call from any thread.
//
// WIRE FORMAT v1 — a contract: never change the meaning of a byte; add a version instead.
// "varint" = protobuf-style base-128 LEB (little-endian groups of 7 bits, high bit = more),
// at most 10 bytes, the 10th carrying only the top bit. "zz" = zigzag
// ((v << 1) ^ (v >> 63)) then varint. "fixed64" = 8 bytes little-endian. All arithmetic on
// seq, device_time and received_at_ms is modulo 2^64, so every value round-trips exactly.
// Every Punch field is carried except `path` (15), which by SPEC never travels on the wire
// (bundles carry the union as `trace`); decoded punches have an empty path.
//
//   byte 0       header: bits 0-5 = format version (1); bit 6 = reserved, must be 0;
//                bit 7 = body is zstd-compressed.
//   bytes 1..    raw (bit 7 clear): the body, nothing after it.
//                zstd (bit 7 set): exactly one zstd frame (RFC 8878) that declares its
//                content size, no trailing bytes; its content is the body.
//
//   body:
//     varint N                     punches in the batch (0 allowed; then the body ends here)
//     varint S                     strings in the dictionary, S <= 4 * N
//     S x { varint len, len bytes }    every distinct origin/terminal/pin/unit value, in order
//                                      of first appearance (punch by punch: origin, terminal,
//                                      pin, unit); referenced below by 0-based index
//     varint T                     streams, 1 <= T <= N: distinct (origin, epoch) pairs in order
//                                  of first appearance
//     T x { varint origin_string_index, fixed64 epoch, varint seq_base }
//                                  seq_base = (first seq of the stream in this batch) - 1
//     varint constant_mask         bit c (0-based, c = column number - 1) set: column c is
//                                  "constant"; bits 12 and up must be 0
//     12 columns, in this order, each holding one value per punch (in batch order):
//        1 stream       index into the stream table
//        2 seq          zz(seq - previous_seq_of_same_stream - 1); previous starts at seq_base,
//                       so a dense run (+1 each) is all zeros
//        3 terminal     string index
//        4 pin          string index
//        5 unit         string index
//        6 device_time  zz(device_time - previous punch's device_time); previous starts at 0
//        7 utc_offset   zz(utc_offset_min), must fit int32
//        8 verify       varint, must fit uint32
//        9 status       varint, must fit uint32
//       10 workcode     varint, must fit uint32
//       11 received_at  zz(received_at_ms - previous punch's received_at_ms); previous starts 0
//       12 flags        varint (zz32(source) << 1) | clock_synced; source must fit int32
//     each column is stored as either
//        "plain":    N varints, one per punch
//        "constant": 1 varint, the value of every punch (the packer marks a column constant
//                    exactly when all N values are equal)
//     Index values must be < T (stream) or < S (strings). The body must be consumed exactly;
//     nothing may follow the last column. Example bytes: kGoldenV1 in
//     tests/unit/codec/punch_codec_test.cc.
//
// The packer compresses with zstd (level 3) only when that is smaller and the body is within
// kPackedBodyBytesPerPunch * N + kPackedBodySlackBytes, so a decoder's bound never refuses
// what an honest packer wrote.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "titip.pb.h"
#include "titip/common/status.h"

namespace titip::relay {

inline constexpr uint8_t kPackedFormatVersion = 1;
inline constexpr uint8_t kPackedVersionMask = 0x3f;
inline constexpr uint8_t kPackedReservedFlag = 0x40;
inline constexpr uint8_t kPackedZstdFlag = 0x80;
// Bound on a zstd body: a decoder refuses any frame declaring more than
// kPackedBodyBytesPerPunch * max_punches + kPackedBodySlackBytes (capped at
// kPackedBodyCeilingBytes), so a small hostile frame cannot make it allocate gigabytes.
inline constexpr size_t kPackedBodyBytesPerPunch = 256;
inline constexpr size_t kPackedBodySlackBytes = 4096;
inline constexpr size_t kPackedBodyCeilingBytes = size_t{256} << 20;  // 256 MiB
inline constexpr size_t kDefaultMaxUnpackPunches = 10000;             // = kMaxBundlePunches

enum class PackCompression {
  kAuto,  // zstd when smaller (and within the decoder's bound); what the wire uses
  kNone,  // always raw: for tests, fixtures and the benchmark's "without zstd" figure
};

// Packs `punches` in the format above. Deterministic: the same batch gives the same bytes with
// the same zstd library version (zstd output may differ across zstd versions; decoders never
// compare bytes). Never fails; any field values are representable. The caller bounds the batch
// size (the engine sends at most kMaxBundlePunches).
std::string PackPunches(const std::vector<wire::Punch>& punches,
                        PackCompression compression = PackCompression::kAuto);

// Decodes `bytes` into `*out` (replacing its contents, but decoding into the punches already
// there, so a caller that passes the same vector again reuses their strings' buffers; left
// empty on failure). Strict: checks every count and length against the bytes present before
// allocating, refuses a zstd frame without a declared size or declaring more than the bound
// above, and never throws or reads out of bounds, whatever the bytes; memory is
// O(bytes.size() + max_punches). Returns:
//   kInvalidArgument     the batch declares more than `max_punches` punches
//   kFailedPrecondition  format version this build does not know (a newer peer)
//   kCorruption          anything else malformed; the message names the field and offset
[[nodiscard]] Status UnpackPunches(std::string_view bytes, std::vector<wire::Punch>* out,
                                   size_t max_punches = kDefaultMaxUnpackPunches);

// The largest zstd body UnpackPunches accepts for `max_punches` (saturating, <= ceiling).
size_t PackedBodyLimit(size_t max_punches);

}  // namespace titip::relay
