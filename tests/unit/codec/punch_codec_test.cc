// Punch codec: exact round trips (random seeded batches, edge values, sizes 0..10,000), the
// byte-exact v1 golden encoding (the wire contract), determinism and the size target.
// Hostile input lives in punch_codec_hostile_test.cc.
#include <gtest/gtest.h>
#include <zstd.h>

#include <limits>
#include <random>

#include "punch_codec_test_util.h"
#include "titip/relay/punch_codec.h"

namespace titip::relay {
namespace {

using testing::ExpectSamePunches;
using testing::Hex;
using testing::OfficePunch;
using testing::RandomBatch;
using testing::Unhex;

// Packs both ways, unpacks both, and checks every field of every punch.
void ExpectRoundTrip(const std::vector<wire::Punch>& batch, const std::string& context,
                     size_t max_punches = kDefaultMaxUnpackPunches) {
  for (PackCompression mode : {PackCompression::kAuto, PackCompression::kNone}) {
    const std::string packed = PackPunches(batch, mode);
    const std::string where = context + (mode == PackCompression::kAuto ? " auto" : " raw");
    std::vector<wire::Punch> got;
    const Status s = UnpackPunches(packed, &got, max_punches);
    ASSERT_TRUE(s.ok()) << where << ": " << s.ToString();
    ExpectSamePunches(batch, got, where);
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(PunchCodecTest, RandomBatchesRoundTripExactly) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    std::mt19937_64 rng(seed);
    for (size_t n : {1, 2, 3, 17, 250, 1000}) {
      ExpectRoundTrip(RandomBatch(rng, n),
                      "seed " + std::to_string(seed) + " n " + std::to_string(n));
      if (HasFailure()) return;
    }
  }
}

TEST(PunchCodecTest, EmptyBatchIsTwoBytes) {
  const std::string packed = PackPunches({});
  EXPECT_EQ(Hex(packed), "0100");
  std::vector<wire::Punch> got(3);
  ASSERT_TRUE(UnpackPunches(packed, &got).ok());
  EXPECT_TRUE(got.empty());
}

// The engine unpacks each bundle into the punches of an earlier one (Engine::GiveSpare): a
// punch decoded into a used one is the punch a fresh decode gives, field for field, including
// the fields the codec does not carry; a failed decode leaves the vector empty.
TEST(PunchCodecTest, UnpackIntoUsedPunchesKeepsNothingOfThem) {
  std::mt19937_64 rng(7);
  const std::vector<wire::Punch> first = RandomBatch(rng, 300);
  const std::vector<wire::Punch> second = RandomBatch(rng, 120);
  std::vector<wire::Punch> reused;
  ASSERT_TRUE(UnpackPunches(PackPunches(first), &reused).ok());
  for (auto& p : reused) {
    p.add_path("relay-x");
    p.set_hops(3);
    p.set_stored_at_ms(5);
  }
  ASSERT_TRUE(UnpackPunches(PackPunches(second), &reused).ok());
  std::vector<wire::Punch> fresh;
  ASSERT_TRUE(UnpackPunches(PackPunches(second), &fresh).ok());
  ASSERT_EQ(reused.size(), fresh.size());
  for (size_t i = 0; i < fresh.size(); ++i) {
    EXPECT_EQ(reused[i].SerializeAsString(), fresh[i].SerializeAsString()) << i;
  }
  EXPECT_FALSE(UnpackPunches(std::string("\x01\xff", 2), &reused).ok());
  EXPECT_TRUE(reused.empty());
}

TEST(PunchCodecTest, OnePunchAllDefaultsRoundTrips) {
  ExpectRoundTrip({wire::Punch()}, "default punch");
  ExpectRoundTrip({OfficePunch(1, "1001", 1'710'487'800)}, "office punch");
}

TEST(PunchCodecTest, ExtremeValuesRoundTrip) {
  constexpr auto kU64 = std::numeric_limits<uint64_t>::max();
  constexpr auto kI64Min = std::numeric_limits<int64_t>::min();
  constexpr auto kI64Max = std::numeric_limits<int64_t>::max();
  std::vector<wire::Punch> batch;
  for (int i = 0; i < 6; ++i) {
    wire::Punch p;
    p.set_epoch(i % 2 ? kU64 : 0);
    p.set_seq(i < 3 ? kU64 - 1 + i : kU64 - i);  // max-1, max, 0 (wrapped), then backwards
    p.set_device_time(i % 2 ? kI64Min : kI64Max);
    p.set_received_at_ms(i % 3 == 0 ? kI64Max : kI64Min);
    p.set_utc_offset_min(i % 2 ? std::numeric_limits<int32_t>::min()
                               : std::numeric_limits<int32_t>::max());
    p.set_verify(std::numeric_limits<uint32_t>::max());
    p.set_status(i);
    p.set_workcode(std::numeric_limits<uint32_t>::max() - i);
    p.set_clock_synced(i % 2 == 0);
    p.set_source(static_cast<wire::Source>(i % 2 ? std::numeric_limits<int32_t>::min()
                                                 : std::numeric_limits<int32_t>::max()));
    p.set_pin(i == 5 ? std::string("\0\xff\x80", 3) : "");  // bytes, not text, survive too
    batch.push_back(p);
  }
  ExpectRoundTrip(batch, "extremes");
}

TEST(PunchCodecTest, TenThousandPunchesAtTheLimit) {
  std::vector<wire::Punch> batch;
  for (uint64_t i = 0; i < 10000; ++i) {
    batch.push_back(OfficePunch(i + 1, std::to_string(1000 + i % 300), 1'710'487'800 + i * 7));
  }
  ExpectRoundTrip(batch, "10000", 10000);
  batch.push_back(OfficePunch(10001, "1001", 1'710'560'000));
  std::vector<wire::Punch> got;
  const Status s = UnpackPunches(PackPunches(batch), &got, 10000);
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_TRUE(got.empty());
}

TEST(PunchCodecTest, ManyDistinctOriginsAndEpochs) {
  std::mt19937_64 rng(7);
  std::vector<wire::Punch> batch;
  for (uint64_t i = 0; i < 3000; ++i) {
    wire::Punch p = OfficePunch(rng(), "1001", 1'710'487'800);
    p.set_origin("gw-" + std::to_string(i / 2));  // two epochs per origin name
    p.set_epoch(rng());
    p.set_terminal("T" + std::to_string(i));
    p.set_unit("u" + std::to_string(i));
    p.set_pin("p" + std::to_string(i));
    batch.push_back(p);
  }
  ExpectRoundTrip(batch, "distinct");
}

TEST(PunchCodecTest, InterleavedStreamsKeepTheirOwnSeq) {
  std::vector<wire::Punch> batch;
  for (uint64_t i = 0; i < 100; ++i) {
    wire::Punch p = OfficePunch(i / 3 + 1, "1001", 1'710'487'800 - static_cast<int64_t>(i));
    p.set_origin(i % 3 == 2 ? "gw-b" : "gw-a");
    p.set_epoch(i % 3);  // gw-a under two epochs, gw-b under one
    batch.push_back(p);
  }
  ExpectRoundTrip(batch, "interleaved");
}

TEST(PunchCodecTest, PackIsDeterministic) {
  std::mt19937_64 rng(11);
  const auto batch = RandomBatch(rng, 500);
  const auto copy = batch;
  EXPECT_EQ(PackPunches(batch), PackPunches(copy));
  EXPECT_EQ(PackPunches(batch, PackCompression::kNone), PackPunches(copy, PackCompression::kNone));
}

// The v1 contract, byte by byte (layout in punch_codec.h). If this test has to change, the
// format changed: bump kPackedFormatVersion and keep reading this one.
constexpr const char* kGoldenV1 =
    "01"                              // header: version 1, raw
    "02"                              // 2 punches
    "05 0267 31 0154 0137 0175 0138"  // 5 strings: "g1" "T" "7" "u" "8"
    "01 00 0807060504030201 00"       // 1 stream: origin "g1", epoch, seq_base 0
    "d715"                            // constant_mask 0xad7: all but pin, device_time, status
                                      // and received_at are constant
    "00"                              // stream: constant 0
    "00"                              // seq: constant 0 (dense from seq_base + 1)
    "01"                              // terminal: constant "T"
    "02 04"                           // pin: plain "7", "8"
    "03"                              // unit: constant "u"
    "c801 78"                         // device_time: plain zz(100), zz(+60)
    "c806"                            // utc_offset: constant zz(420)
    "01"                              // verify: constant 1
    "00 01"                           // status: plain 0, 1
    "00"                              // workcode: constant 0
    "d00f 06"                         // received_at: plain zz(1000), zz(+3)
    "09";                             // flags: constant zz(SOURCE_ZK) << 1 | synced

std::vector<wire::Punch> GoldenBatch() {
  std::vector<wire::Punch> batch(2);
  for (int i = 0; i < 2; ++i) {
    wire::Punch& p = batch[i];
    p.set_origin("g1");
    p.set_epoch(0x0102030405060708ULL);
    p.set_seq(1 + i);
    p.set_terminal("T");
    p.set_pin(i == 0 ? "7" : "8");
    p.set_device_time(100 + 60 * i);
    p.set_utc_offset_min(420);
    p.set_verify(1);
    p.set_status(i);
    p.set_received_at_ms(1000 + 3 * i);
    p.set_clock_synced(true);
    p.set_source(wire::SOURCE_ZK);
    p.set_unit("u");
  }
  return batch;
}

TEST(PunchCodecTest, GoldenV1RawEncoding) {
  const std::string golden = Unhex(kGoldenV1);
  EXPECT_EQ(golden.size(), 46u);
  EXPECT_EQ(Hex(PackPunches(GoldenBatch(), PackCompression::kNone)), Hex(golden));
  EXPECT_EQ(PackPunches(GoldenBatch()), golden) << "zstd is no help on 46 bytes";
  std::vector<wire::Punch> got;
  ASSERT_TRUE(UnpackPunches(golden, &got).ok());
  ExpectSamePunches(GoldenBatch(), got, "golden");
}

TEST(PunchCodecTest, GoldenV1ZstdBodyDecodes) {
  const std::string body = Unhex(kGoldenV1).substr(1);
  std::string frame(ZSTD_compressBound(body.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), body.data(), body.size(), 19));
  std::vector<wire::Punch> got;
  const Status s = UnpackPunches(std::string(1, '\x81') + frame, &got);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ExpectSamePunches(GoldenBatch(), got, "golden zstd");
}

// Long distinct strings push the body past the decoder's zstd bound: the packer must then
// send it raw, which any decoder accepts, rather than a frame a decoder would refuse.
TEST(PunchCodecTest, OversizedBodyIsSentRaw) {
  std::vector<wire::Punch> batch = {OfficePunch(1, std::string(20000, 'x'), 0)};
  const std::string packed = PackPunches(batch);
  EXPECT_EQ(static_cast<uint8_t>(packed[0]), kPackedFormatVersion);
  ExpectRoundTrip(batch, "oversized", 1);
}

// SPEC §5: <= 12 bytes per punch on the wire including framing. The packed payload of a
// realistic day must leave room for the bundle framing around it.
TEST(PunchCodecTest, RealisticThousandIsWellUnderTwelveBytesPerPunch) {
  std::mt19937_64 rng(3);
  std::vector<wire::Punch> batch;
  int64_t t = 1'710'487'800;  // 07:30
  for (uint64_t i = 0; i < 1000; ++i) {
    t += static_cast<int64_t>(rng() % 60);
    wire::Punch p = OfficePunch(5000 + i, std::to_string(1000 + rng() % 300), t);
    p.set_status(static_cast<uint32_t>(i * 4 / 1000));
    batch.push_back(p);
  }
  const std::string packed = PackPunches(batch);
  EXPECT_LE(packed.size(), 8u * batch.size()) << "bytes per punch: " << packed.size() / 1000.0;
  ExpectRoundTrip(batch, "realistic");
}

}  // namespace
}  // namespace titip::relay
