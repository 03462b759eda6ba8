// Punch codec against hostile bytes: every truncation, seeded random and mutated inputs, zstd
// bombs and size-less frames, lying counts, bad indices, future versions. The decoder must
// refuse cleanly (a Status, `out` left empty) and never crash, over-read or over-allocate.
#include <gtest/gtest.h>
#include <zstd.h>

#include <limits>
#include <random>

#include "punch_codec_test_util.h"
#include "titip/relay/punch_codec.h"

namespace titip::relay {
namespace {

using testing::AppendVarint;
using testing::OfficePunch;
using testing::RandomBatch;

// Unpacks and checks the invariants that hold for any input.
Status UnpackChecked(std::string_view bytes, size_t max_punches = 50) {
  std::vector<wire::Punch> out(2);  // stale contents must not survive
  Status s = UnpackPunches(bytes, &out, max_punches);
  if (s.ok()) {
    EXPECT_LE(out.size(), max_punches);
  } else {
    EXPECT_TRUE(out.empty());
    EXPECT_FALSE(s.message().empty());
  }
  return s;
}

std::vector<std::string> SampleEncodings() {
  std::mt19937_64 rng(5);
  std::vector<wire::Punch> office;
  for (uint64_t i = 0; i < 200; ++i) office.push_back(OfficePunch(i + 1, "10", 1000 + i));
  std::vector<std::string> out;
  for (PackCompression mode : {PackCompression::kAuto, PackCompression::kNone}) {
    out.push_back(PackPunches({}, mode));
    out.push_back(PackPunches({OfficePunch(1, "1001", 1'710'487'800)}, mode));
    out.push_back(PackPunches(RandomBatch(rng, 40), mode));
    out.push_back(PackPunches(office, mode));
  }
  return out;
}

TEST(PunchCodecHostileTest, EveryTruncationIsRefused) {
  bool saw_zstd = false;
  for (const std::string& enc : SampleEncodings()) {
    saw_zstd |= (static_cast<uint8_t>(enc[0]) & kPackedZstdFlag) != 0;
    ASSERT_TRUE(UnpackChecked(enc, 1000).ok());
    for (size_t len = 0; len < enc.size(); ++len) {
      const Status s = UnpackChecked(std::string_view(enc).substr(0, len), 1000);
      ASSERT_EQ(s.code(), Code::kCorruption) << "prefix " << len << " of " << enc.size();
    }
  }
  EXPECT_TRUE(saw_zstd) << "samples must cover the zstd path";
}

TEST(PunchCodecHostileTest, RandomBytesNeverCrash) {
  constexpr uint64_t kSeed = 20240315;
  std::mt19937_64 rng(kSeed);
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  for (int i = 0; i < 10000; ++i) {
    std::string bytes(rng() % 300, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    // Half start with a valid header so the body and zstd parsers get exercised too.
    if (!bytes.empty() && i % 2 == 0) bytes[0] = static_cast<char>(i % 4 == 0 ? 0x01 : 0x81);
    if (i % 4 == 2 && bytes.size() >= 5) bytes.replace(1, 4, "\x28\xb5\x2f\xfd");  // zstd magic
    (void)UnpackChecked(bytes);
    if (HasFailure()) FAIL() << "input " << i;
  }
}

TEST(PunchCodecHostileTest, MutatedEncodingsNeverCrash) {
  constexpr uint64_t kSeed = 77;
  std::mt19937_64 rng(kSeed);
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  const auto samples = SampleEncodings();
  for (int i = 0; i < 10000; ++i) {
    std::string bytes = samples[rng() % samples.size()];
    for (int flips = 1 + rng() % 3; flips > 0; --flips) {
      bytes[rng() % bytes.size()] = static_cast<char>(rng());
    }
    (void)UnpackChecked(bytes, 1000);
    if (HasFailure()) FAIL() << "mutation " << i;
  }
}

std::string CompressWithSize(const std::string& content) {
  std::string frame(ZSTD_compressBound(content.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), content.data(), content.size(), 3));
  return frame;
}

TEST(PunchCodecHostileTest, ZstdBombIsRefusedBeforeDecompressing) {
  const std::string frame = CompressWithSize(std::string(64 << 20, '\0'));  // 64 MiB of zeros
  ASSERT_LT(frame.size(), 4096u);
  const Status s = UnpackChecked(std::string(1, '\x81') + frame, 10000);
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find("declares 67108864 bytes"), std::string::npos) << s.message();
  // The bound scales with max_punches: a 5 KiB body is too much for one punch.
  const Status small = UnpackChecked("\x81" + CompressWithSize(std::string(5000, '\0')), 1);
  EXPECT_EQ(small.code(), Code::kCorruption) << small.ToString();
}

TEST(PunchCodecHostileTest, ZstdFrameWithoutDeclaredSizeIsRefused) {
  std::string body = PackPunches({OfficePunch(1, "1", 2)}, PackCompression::kNone).substr(1);
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ASSERT_FALSE(ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0)));
  std::string frame(ZSTD_compressBound(body.size()), '\0');
  ZSTD_outBuffer out{frame.data(), frame.size(), 0};
  ZSTD_inBuffer in{body.data(), body.size(), 0};
  ASSERT_EQ(ZSTD_compressStream2(cctx, &out, &in, ZSTD_e_end), 0u);
  ZSTD_freeCCtx(cctx);
  frame.resize(out.pos);
  ASSERT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  const Status s = UnpackChecked("\x81" + frame);
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_NE(s.message().find("does not declare"), std::string::npos) << s.message();
}

TEST(PunchCodecHostileTest, TrailingBytesAreRefused) {
  for (const std::string& enc : SampleEncodings()) {
    EXPECT_EQ(UnpackChecked(enc + '\0', 1000).code(), Code::kCorruption);
  }
  // Two concatenated frames: the first must fill the input.
  const std::string body = PackPunches({}, PackCompression::kNone).substr(1);
  const std::string two = "\x81" + CompressWithSize(body) + CompressWithSize(body);
  EXPECT_EQ(UnpackChecked(two).code(), Code::kCorruption);
}

TEST(PunchCodecHostileTest, FutureVersionsAndReservedBitsAreRefused) {
  const std::string body = PackPunches({}, PackCompression::kNone).substr(1);
  for (uint8_t header : {0x00, 0x02, 0x3f, 0x82, 0xbf}) {
    const Status s = UnpackChecked(std::string(1, static_cast<char>(header)) + body);
    EXPECT_EQ(s.code(), Code::kFailedPrecondition) << int{header} << " " << s.ToString();
  }
  EXPECT_EQ(UnpackChecked("\x41" + body).code(), Code::kCorruption);
}

// Raw bodies built by hand: header 0x01, then `body`.
Status UnpackBody(const std::string& body, size_t max_punches = 50) {
  return UnpackChecked("\x01" + body, max_punches);
}

std::string Varints(std::initializer_list<uint64_t> values) {
  std::string out;
  for (uint64_t v : values) AppendVarint(&out, v);
  return out;
}

TEST(PunchCodecHostileTest, LyingCountsAreRefusedBeforeAllocating) {
  constexpr uint64_t kHuge = uint64_t{1} << 60;
  EXPECT_EQ(UnpackBody(Varints({kHuge})).code(), Code::kInvalidArgument);
  // Even with no caller limit, counts are checked against the bytes actually present.
  constexpr size_t kNoLimit = std::numeric_limits<size_t>::max();
  EXPECT_EQ(UnpackBody(Varints({kHuge, kHuge}), kNoLimit).code(), Code::kCorruption);
  EXPECT_EQ(UnpackBody(Varints({kHuge, 1, 1, 'a', kHuge}), kNoLimit).code(), Code::kCorruption);
  EXPECT_EQ(UnpackBody(Varints({2, 9})).code(), Code::kCorruption);             // 9 > 4 * 2
  EXPECT_EQ(UnpackBody(Varints({2, 1, kHuge})).code(), Code::kCorruption);      // string length
  EXPECT_EQ(UnpackBody(Varints({2, 1, 1, 'a', 3})).code(), Code::kCorruption);  // streams > n
  EXPECT_EQ(UnpackBody(Varints({2, 1, 1, 'a', 0})).code(), Code::kCorruption);  // no stream
}

// A valid 2-punch body's prefix up to the columns; tests append their own columns.
std::string TablesFor2() {
  return Varints({2, 1, 1, 'a', 1, 0}) + std::string(8, '\x07') + Varints({0});
}

constexpr uint64_t kAllConstant = 0xfff;
constexpr uint64_t kU32Overflow = uint64_t{1} << 32;

TEST(PunchCodecHostileTest, HandBuiltBodyDecodesAndBadColumnsAreRefused) {
  std::vector<wire::Punch> got;
  const std::string zeros11 = Varints({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  ASSERT_TRUE(
      UnpackPunches("\x01" + TablesFor2() + Varints({kAllConstant, 0}) + zeros11, &got).ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].seq(), 2u);
  EXPECT_EQ(got[1].epoch(), 0x0707070707070707ULL);

  // Each case must be refused by the check it is about, named in the message.
  auto refused = [&](const std::string& columns, const std::string& why) {
    const Status s = UnpackBody(TablesFor2() + columns);
    EXPECT_EQ(s.code(), Code::kCorruption) << why;
    EXPECT_NE(s.message().find(why), std::string::npos) << s.message();
  };
  refused(Varints({0x1fff, 0}) + zeros11, "column mask at body offset 15: unknown bits");
  refused(Varints({kAllConstant, 1}) + zeros11, "stream column at body offset 17: value out");
  refused(Varints({0xff7, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}), "pin column");
  refused(Varints({kAllConstant, 0, 0, 0, 0, 0, 0, 0, kU32Overflow, 0, 0, 0, 0}), "verify column");
  refused(Varints({kAllConstant}) + zeros11 + Varints({2 * kU32Overflow}), "flags column");
  refused(Varints({0x7ff}) + zeros11 + Varints({0}), "flags column at body offset 28: more values");
  refused(Varints({kAllConstant}) + zeros11, "flags column at body offset 28: truncated");
}

TEST(PunchCodecHostileTest, OverlongVarintsAreRefused) {
  EXPECT_EQ(UnpackBody(std::string(11, '\x80') + '\x00').code(), Code::kCorruption);
  EXPECT_EQ(UnpackBody(std::string(9, '\xff') + '\x02').code(), Code::kCorruption);
  // 2^64 - 1 is the largest varint and is accepted as a count (then refused by the limit).
  EXPECT_EQ(UnpackBody(std::string(9, '\xff') + '\x01').code(), Code::kInvalidArgument);
}

TEST(PunchCodecHostileTest, EmptyInputIsRefused) {
  EXPECT_EQ(UnpackChecked("").code(), Code::kCorruption);
  EXPECT_EQ(UnpackChecked("\x01").code(), Code::kCorruption);
  EXPECT_EQ(UnpackChecked("\x81").code(), Code::kCorruption);
}

}  // namespace
}  // namespace titip::relay
