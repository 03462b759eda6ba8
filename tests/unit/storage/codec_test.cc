// The store's public key codecs and field bounds. Key bytes are an on-disk contract: punch
// keys must round-trip and sort numerically by seq inside one (origin, epoch) stream, and
// ValidatePunchFields keeps every LMDB key well under 511 bytes.
#include <gtest/gtest.h>

#include <random>

#include "store_test_util.h"
#include "titip/storage/store.h"

namespace titip::storage {
namespace {

using testing::kBaseCivil;
using testing::MakeForeign;

TEST(PunchKeyCodec, RoundTrips) {
  const PunchKey keys[] = {{"a", 1, 1},
                           {"gw-sekernan", 0xdeadbeefcafef00dull, 42},
                           {std::string(32, 'z'), UINT64_MAX, UINT64_MAX},
                           {"x", 0, 0}};
  for (const auto& k : keys) {
    auto d = DecodePunchKey(EncodePunchKey(k));
    ASSERT_TRUE(d.has_value()) << k.origin;
    EXPECT_EQ(*d, k);
  }
}

TEST(PunchKeyCodec, RandomRoundTrip) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) {
    PunchKey k{std::string(1 + rng() % 32, static_cast<char>('a' + rng() % 26)), rng(), rng()};
    auto d = DecodePunchKey(EncodePunchKey(k));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(*d, k);
  }
}

TEST(PunchKeyCodec, SeqsSortNumericallyInByteOrder) {
  EXPECT_LT(EncodePunchKey({"gw", 5, 2}), EncodePunchKey({"gw", 5, 10}));
  EXPECT_LT(EncodePunchKey({"gw", 5, 255}), EncodePunchKey({"gw", 5, 256}));
  EXPECT_LT(EncodePunchKey({"gw", 5, 1ull << 40}), EncodePunchKey({"gw", 5, UINT64_MAX}));
  // A stream's keys stay together: the epoch sorts before any seq.
  EXPECT_LT(EncodePunchKey({"gw", 5, UINT64_MAX}), EncodePunchKey({"gw", 6, 1}));
  std::mt19937_64 rng(11);
  for (int i = 0; i < 2000; ++i) {
    uint64_t a = rng() >> (rng() % 64), b = rng() >> (rng() % 64);
    if (a == b) continue;
    EXPECT_EQ(a < b, EncodePunchKey({"gw", 9, a}) < EncodePunchKey({"gw", 9, b})) << a << " " << b;
  }
}

TEST(PunchKeyCodec, RejectsMalformedBytes) {
  std::string good = EncodePunchKey({"gw-a", 3, 4});
  EXPECT_FALSE(DecodePunchKey("").has_value());
  EXPECT_FALSE(DecodePunchKey(good.substr(0, good.size() - 1)).has_value());
  EXPECT_FALSE(DecodePunchKey(good + "x").has_value());
  std::string bad_len = good;
  bad_len[0] = static_cast<char>(200);  // claims a 200-byte origin
  EXPECT_FALSE(DecodePunchKey(bad_len).has_value());
}

TEST(PunchKeyCodec, KeyOfTakesTheIdentity) {
  wire::Punch p = MakeForeign("gw-b", 77, 5, "T1", "12", kBaseCivil);
  EXPECT_EQ(KeyOf(p), (PunchKey{"gw-b", 77, 5}));
}

TEST(NaturalKey, DependsOnlyOnTheFourNaturalFields) {
  wire::Punch a = MakeForeign("gw-a", 1, 1, "T1", "12", kBaseCivil, 1);
  wire::Punch b = MakeForeign("gw-b", 2, 9, "T1", "12", kBaseCivil, 1);
  b.set_status(1);
  b.set_received_at_ms(5);
  EXPECT_EQ(NaturalKey(a), NaturalKey(b));
  wire::Punch c = a;
  c.set_verify(2);
  EXPECT_NE(NaturalKey(a), NaturalKey(c));
  c = a;
  c.set_device_time(kBaseCivil + 1);
  EXPECT_NE(NaturalKey(a), NaturalKey(c));
  // Length prefixes keep ("T1","23") apart from ("T12","3").
  wire::Punch d = MakeForeign("gw-a", 1, 1, "T1", "23", kBaseCivil);
  wire::Punch e = MakeForeign("gw-a", 1, 1, "T12", "3", kBaseCivil);
  EXPECT_NE(NaturalKey(d), NaturalKey(e));
}

wire::Punch Valid() { return MakeForeign("gw-a", 1, 1, "A6F1190360012", "1001", kBaseCivil); }

TEST(ValidatePunchFields, AcceptsATypicalPunch) { EXPECT_TRUE(ValidatePunchFields(Valid()).ok()); }

TEST(ValidatePunchFields, OriginMustBeANodeId) {
  wire::Punch p = Valid();
  for (const char* bad : {"", "GW", "gw_a", "gw a"}) {
    p.set_origin(bad);
    EXPECT_EQ(ValidatePunchFields(p).code(), Code::kInvalidArgument) << bad;
  }
  p.set_origin(std::string(32, 'a'));
  EXPECT_TRUE(ValidatePunchFields(p).ok());
  p.set_origin(std::string(33, 'a'));
  EXPECT_FALSE(ValidatePunchFields(p).ok());
}

TEST(ValidatePunchFields, TerminalAndPinLengthsAndBytes) {
  wire::Punch p = Valid();
  p.set_terminal(std::string(64, 'T'));
  EXPECT_TRUE(ValidatePunchFields(p).ok());
  p.set_terminal(std::string(65, 'T'));
  EXPECT_FALSE(ValidatePunchFields(p).ok());
  for (const char* bad : {"", "A B", "A\tB", "A\x7f"}) {
    p = Valid();
    p.set_terminal(bad);
    EXPECT_FALSE(ValidatePunchFields(p).ok()) << "terminal '" << bad << "'";
    p = Valid();
    p.set_pin(bad);
    EXPECT_FALSE(ValidatePunchFields(p).ok()) << "pin '" << bad << "'";
  }
  p = Valid();
  p.set_pin(std::string(32, '9'));
  EXPECT_TRUE(ValidatePunchFields(p).ok());
  p.set_pin(std::string(33, '9'));
  EXPECT_FALSE(ValidatePunchFields(p).ok());
  p.set_pin("\xc3\xa9");  // non-ASCII
  EXPECT_FALSE(ValidatePunchFields(p).ok());
}

TEST(ValidatePunchFields, DeviceTimeWithin2000To2099) {
  wire::Punch p = Valid();
  p.set_device_time(946684800);  // 2000-01-01 00:00:00
  EXPECT_TRUE(ValidatePunchFields(p).ok());
  p.set_device_time(946684799);
  EXPECT_FALSE(ValidatePunchFields(p).ok());
  p.set_device_time(4102444799);  // 2099-12-31 23:59:59
  EXPECT_TRUE(ValidatePunchFields(p).ok());
  p.set_device_time(4102444800);
  EXPECT_FALSE(ValidatePunchFields(p).ok());
  p.set_device_time(0);  // a terminal clock reset to 1970
  EXPECT_FALSE(ValidatePunchFields(p).ok());
}

TEST(ValidatePunchFields, UtcOffsetWithin14Hours) {
  wire::Punch p = Valid();
  for (int ok : {-840, 0, 420, 840}) {
    p.set_utc_offset_min(ok);
    EXPECT_TRUE(ValidatePunchFields(p).ok()) << ok;
  }
  for (int bad : {-841, 841, 100000}) {
    p.set_utc_offset_min(bad);
    EXPECT_FALSE(ValidatePunchFields(p).ok()) << bad;
  }
}

TEST(ValidatePunchFields, LongestValidKeysFitLmdb) {
  wire::Punch p = Valid();
  p.set_origin(std::string(32, 'a'));
  p.set_terminal(std::string(64, 'T'));
  p.set_pin(std::string(32, '9'));
  ASSERT_TRUE(ValidatePunchFields(p).ok());
  EXPECT_LE(EncodePunchKey(KeyOf(p)).size(), 511u);
  EXPECT_LE(NaturalKey(p).size(), 511u);
}

}  // namespace
}  // namespace titip::storage
