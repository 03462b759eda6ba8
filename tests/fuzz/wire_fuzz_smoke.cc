// Drives wire_fuzz in every build, and checks the decoders it feeds on known inputs: a real
// envelope with a packed bundle decodes, clearly broken bytes are refused.
#include <gtest/gtest.h>

#include "fuzz_smoke.h"
#include "titip.pb.h"
#include "titip/relay/punch_codec.h"

namespace titip::relay {
namespace {

std::vector<wire::Punch> Batch() {
  std::vector<wire::Punch> v;
  for (int i = 0; i < 20; ++i) {
    wire::Punch p;
    p.set_origin("gw-setda");
    p.set_epoch(0x1234567890abcdefULL);
    p.set_seq(100 + i);
    p.set_terminal("A6F1");
    p.set_pin(std::to_string(1000 + i % 7));
    p.set_device_time(1'900'000'000 + 37 * i);
    p.set_utc_offset_min(420);
    p.set_verify(1);
    p.set_received_at_ms(1'780'000'000'000 + i);
    p.set_unit("setda");
    v.push_back(p);
  }
  return v;
}

TEST(WireFuzzSmoke, ValidEnvelopeDecodes) {
  auto batch = Batch();
  wire::Envelope env;
  env.set_version(1);
  env.set_sender("gw-setda");
  env.mutable_bundle()->set_packed(PackPunches(batch));
  env.mutable_bundle()->set_hop_limit(4);
  std::string bytes = env.SerializeAsString();
  EXPECT_EQ(fuzz::RunOne(bytes), 0);
  wire::Envelope back;
  ASSERT_TRUE(back.ParseFromString(bytes));
  std::vector<wire::Punch> got;
  ASSERT_TRUE(UnpackPunches(back.bundle().packed(), &got).ok());
  ASSERT_EQ(got.size(), batch.size());
  EXPECT_EQ(got[7].pin(), batch[7].pin());
  EXPECT_EQ(got[19].device_time(), batch[19].device_time());
}

TEST(WireFuzzSmoke, GarbageIsRefused) {
  std::string packed = PackPunches(Batch(), PackCompression::kNone);
  std::vector<wire::Punch> out;
  EXPECT_FALSE(UnpackPunches("", &out).ok());
  EXPECT_FALSE(UnpackPunches(std::string(64, '\xff'), &out).ok());
  EXPECT_FALSE(UnpackPunches(packed.substr(0, packed.size() / 2), &out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(UnpackPunches(packed, &out, 3).ok());  // more punches than allowed
  wire::Envelope env;
  EXPECT_FALSE(env.ParseFromString(std::string("\x0a\xff\xff\xff\xff\x0f", 6)));
}

TEST(WireFuzzSmoke, RandomAndMutatedInputsDoNotCrash) {
  fuzz::RunSmoke(TITIP_FUZZ_CORPUS, 1500, 20261201);
}

}  // namespace
}  // namespace titip::relay
