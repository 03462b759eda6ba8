// Random batches and comparison helpers for the punch codec tests (see the header).
// Values are drawn from mixes of "typical" and "extreme" so every delta path sees wrap-around.
#include "punch_codec_test_util.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>

namespace titip::relay::testing {
namespace {

template <typename T>
T Pick(std::mt19937_64& rng, std::initializer_list<T> values) {
  std::uniform_int_distribution<size_t> d(0, values.size() - 1);
  return *(values.begin() + d(rng));
}

uint64_t Below(std::mt19937_64& rng, uint64_t n) {
  return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng);
}

// Strings from a small pool most of the time (so the dictionary is shared), else fresh.
std::string RandomString(std::mt19937_64& rng, const char* prefix) {
  if (Below(rng, 10) == 0) return "";
  const size_t len = Below(rng, 12);
  std::string s = Below(rng, 4) == 0 ? "" : prefix;
  if (Below(rng, 3) != 0) return s + std::to_string(Below(rng, 20));
  for (size_t i = 0; i < len; ++i) s.push_back(static_cast<char>(' ' + Below(rng, 95)));
  return s;
}

int64_t RandomInt64(std::mt19937_64& rng, int64_t typical) {
  constexpr auto kMin = std::numeric_limits<int64_t>::min();
  constexpr auto kMax = std::numeric_limits<int64_t>::max();
  switch (Below(rng, 8)) {
    case 0:
      return Pick<int64_t>(rng, {kMin, kMax, 0, -1, 1});
    case 1:
      return static_cast<int64_t>(rng());
    default:
      return typical;
  }
}

uint32_t RandomU32(std::mt19937_64& rng, uint32_t typical) {
  switch (Below(rng, 6)) {
    case 0:
      return Pick<uint32_t>(rng, {0, 1, 127, 128, std::numeric_limits<uint32_t>::max()});
    case 1:
      return static_cast<uint32_t>(rng());
    default:
      return typical;
  }
}

}  // namespace

std::vector<wire::Punch> RandomBatch(std::mt19937_64& rng, size_t n) {
  struct Origin {
    std::string name;
    uint64_t epoch;
    uint64_t next_seq;
  };
  std::vector<Origin> origins(1 + Below(rng, 6));
  for (Origin& o : origins) {
    o.name = RandomString(rng, "gw-");
    o.epoch = Below(rng, 5) == 0 ? std::numeric_limits<uint64_t>::max() : rng();
    o.next_seq = Pick<uint64_t>(rng, {1, 1, 5000, std::numeric_limits<uint64_t>::max() - 2, 0});
  }
  std::vector<wire::Punch> batch;
  int64_t device_time = 1'710'460'800 + static_cast<int64_t>(Below(rng, 86400));
  int64_t received = 1'710'435'600'000 + static_cast<int64_t>(Below(rng, 1'000'000));
  for (size_t i = 0; i < n; ++i) {
    Origin& o = origins[Below(rng, origins.size())];
    wire::Punch p;
    p.set_origin(o.name);
    p.set_epoch(o.epoch);
    // Mostly dense (+1, wrapping past max uint64), sometimes a gap, a repeat or a step back.
    const uint64_t step = Pick<uint64_t>(rng, {1, 1, 1, 1, 0, 2, 1000, static_cast<uint64_t>(-3)});
    p.set_seq(o.next_seq);
    o.next_seq += step;
    p.set_terminal(RandomString(rng, "CKPJ"));
    p.set_pin(RandomString(rng, ""));
    device_time += static_cast<int64_t>(Below(rng, 120)) - 20;
    p.set_device_time(RandomInt64(rng, device_time));
    p.set_utc_offset_min(static_cast<int32_t>(
        RandomU32(rng, Pick<uint32_t>(rng, {420, 480, 540, static_cast<uint32_t>(-300)}))));
    p.set_verify(RandomU32(rng, 1));
    p.set_status(RandomU32(rng, static_cast<uint32_t>(Below(rng, 6))));
    p.set_workcode(RandomU32(rng, 0));
    received += static_cast<int64_t>(Below(rng, 5));
    p.set_received_at_ms(RandomInt64(rng, received));
    p.set_clock_synced(Below(rng, 4) != 0);
    p.set_source(static_cast<wire::Source>(
        static_cast<int32_t>(RandomU32(rng, static_cast<uint32_t>(Below(rng, 5))))));
    p.set_unit(RandomString(rng, "unit-"));
    batch.push_back(std::move(p));
  }
  return batch;
}

wire::Punch OfficePunch(uint64_t seq, const std::string& pin, int64_t device_time) {
  wire::Punch p;
  p.set_origin("gw-jkt-01");
  p.set_epoch(0x9e3779b97f4a7c15ULL);
  p.set_seq(seq);
  p.set_terminal("CKPJ203460123");
  p.set_pin(pin);
  p.set_device_time(device_time);
  p.set_utc_offset_min(420);
  p.set_verify(1);
  p.set_status(0);
  p.set_received_at_ms(1'710'435'600'000 + static_cast<int64_t>(seq % 1'000'000) * 3);
  p.set_clock_synced(true);
  p.set_source(wire::SOURCE_ZK);
  p.set_unit("jkt-pusat");
  return p;
}

void ExpectSamePunches(const std::vector<wire::Punch>& want, const std::vector<wire::Punch>& got,
                       const std::string& context) {
  ASSERT_EQ(want.size(), got.size()) << context;
  for (size_t i = 0; i < want.size(); ++i) {
    const wire::Punch& a = want[i];
    const wire::Punch& b = got[i];
    const std::string where = context + " punch " + std::to_string(i);
    EXPECT_EQ(a.origin(), b.origin()) << where;
    EXPECT_EQ(a.epoch(), b.epoch()) << where;
    EXPECT_EQ(a.seq(), b.seq()) << where;
    EXPECT_EQ(a.terminal(), b.terminal()) << where;
    EXPECT_EQ(a.pin(), b.pin()) << where;
    EXPECT_EQ(a.device_time(), b.device_time()) << where;
    EXPECT_EQ(a.utc_offset_min(), b.utc_offset_min()) << where;
    EXPECT_EQ(a.verify(), b.verify()) << where;
    EXPECT_EQ(a.status(), b.status()) << where;
    EXPECT_EQ(a.workcode(), b.workcode()) << where;
    EXPECT_EQ(a.received_at_ms(), b.received_at_ms()) << where;
    EXPECT_EQ(a.clock_synced(), b.clock_synced()) << where;
    EXPECT_EQ(static_cast<int32_t>(a.source()), static_cast<int32_t>(b.source())) << where;
    EXPECT_EQ(a.unit(), b.unit()) << where;
    if (::testing::Test::HasFailure()) return;  // one broken punch is enough to read
  }
}

void AppendVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

std::string Hex(const std::string& bytes) {
  std::string out;
  char buf[4];
  for (unsigned char c : bytes) {
    std::snprintf(buf, sizeof(buf), "%02x", c);
    out += buf;
  }
  return out;
}

std::string Unhex(const std::string& hex) {
  std::string out;
  std::string digits;
  for (char c : hex) {
    if (c != ' ') digits.push_back(c);
  }
  for (size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace titip::relay::testing
