// ZK packets against the captures and vectors of terminal-protocols.md §1.1-1.3.
#include <gtest/gtest.h>

#include <random>

#include "titip/gateway/zk_proto.h"
#include "zk_test_util.h"

namespace titip::gateway::zk {
namespace {

using testing::Hex;

TEST(ZkChecksum, DocVectors) {
  EXPECT_EQ(Checksum(kCmdConnect, 0, 0, {}), 0xFC17);
  EXPECT_EQ(Checksum(kAckOk, 0xFB2F, 0, {}), 0xFCFF);
}

TEST(ZkFrame, EncodesThePyzkConnectCapture) {
  EXPECT_EQ(EncodeTcp(kCmdConnect, 0, 0, {}),
            Hex("50 50 82 7d 08 00 00 00 e8 03 17 fc 00 00 00 00"));
  EXPECT_EQ(EncodeTcp(kCmdExit, 0xFB2F, 1, {}),
            Hex("50 50 82 7d 08 00 00 00 e9 03 e6 00 2f fb 01 00"));
}

TEST(ZkFrame, EncodesTheAuthCaptureWithTheScrambledKey) {
  auto k = MakeCommKey(45, 0x45CF);
  std::string key(k.begin(), k.end());
  EXPECT_EQ(key, Hex("61 c9 32 3c"));
  EXPECT_EQ(EncodeTcp(kCmdAuth, 0x45CF, 1, key),
            Hex("50 50 82 7d 0c 00 00 00 4e 04 4d b0 cf 45 01 00 61 c9 32 3c"));
  auto k12 = MakeCommKey(12, 0x45CF);
  EXPECT_EQ(std::string(k12.begin(), k12.end()), Hex("61 4d 32 3c"));
  auto k0 = MakeCommKey(0, 0x45CF);
  EXPECT_EQ(std::string(k0.begin(), k0.end()), Hex("61 7d 32 3c"));
}

TEST(ZkFrame, DecodesDeviceRepliesWithValidChecksums) {
  TcpFrameReader r;
  r.Feed(
      Hex("50 50 82 7d 08 00 00 00 d0 07 ff fc 2f fb 00 00"
          "50 50 82 7d 08 00 00 00 d5 07 5b b2 cf 45 00 00"
          "5050827d15000000 d007a762 5c3c1500 00 b4130000 b4130000 cdef2300"));
  auto a = r.Next();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->cmd, kAckOk);
  EXPECT_EQ(a->session, 0xFB2F);
  EXPECT_TRUE(a->checksum_ok);
  auto b = r.Next();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->cmd, kAckUnauth);
  EXPECT_EQ(b->session, 0x45CF);
  EXPECT_TRUE(b->checksum_ok);
  auto c = r.Next();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->cmd, kAckOk);
  EXPECT_TRUE(c->checksum_ok);
  EXPECT_EQ(c->data, BufferAck(5044).substr(0, 9) + Hex("cdef2300"));
  EXPECT_FALSE(r.Next());
  EXPECT_EQ(r.garbage_bytes(), 0u);
}

TEST(ZkFrame, ByteAtATimeGivesTheSameFrames) {
  std::string stream = EncodeTcp(kCmdData, 7, 3, std::string(3000, 'x')) +
                       EncodeTcp(kAckOk, 7, 3, {}) + EncodeTcp(kCmdGetTime, 7, 4, "abc");
  TcpFrameReader r;
  std::vector<Packet> got;
  for (char c : stream) {
    r.Feed(std::string_view(&c, 1));
    while (auto p = r.Next()) got.push_back(*p);
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].data.size(), 3000u);
  EXPECT_EQ(got[1].cmd, kAckOk);
  EXPECT_EQ(got[2].data, "abc");
  for (const auto& p : got) EXPECT_TRUE(p.checksum_ok);
  EXPECT_EQ(r.garbage_bytes(), 0u);
}

TEST(ZkFrame, GarbageIsSkippedAndCountedThenFramingResyncs) {
  TcpFrameReader r;
  // Noise, a magic with an absurd length, a bad checksum, then a good frame.
  std::string bad = EncodeTcp(kAckOk, 1, 1, "zz");
  bad[10] ^= 0x55;
  r.Feed("hello" + Hex("50 50 82 7d ff ff ff ff") + bad + EncodeTcp(kAckOk, 2, 2, {}));
  auto p = r.Next();
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->checksum_ok);  // reported, not fatal: clients are lenient too
  auto q = r.Next();
  ASSERT_TRUE(q);
  EXPECT_EQ(q->session, 2);
  EXPECT_TRUE(q->checksum_ok);
  EXPECT_EQ(r.garbage_bytes(), 5u + 4u + 4u);
}

TEST(ZkFrame, TruncatedFrameWaitsAndShortPacketIsAnError) {
  TcpFrameReader r;
  std::string f = EncodeTcp(kCmdData, 1, 1, "abcdef");
  r.Feed(f.substr(0, f.size() - 1));
  EXPECT_FALSE(r.Next());
  r.Feed(f.substr(f.size() - 1));
  EXPECT_TRUE(r.Next());
  EXPECT_FALSE(DecodePacket("1234567").ok());
  EXPECT_NE(DecodePacket("1234567").status().message().find("shorter"), std::string::npos);
}

TEST(ZkFrame, RandomBytesNeverCrash) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; ++round) {
    TcpFrameReader r;
    std::string noise(1 + rng() % 400, '\0');
    for (auto& c : noise) c = static_cast<char>(rng());
    if (round % 3 == 0) noise.insert(rng() % noise.size(), Hex("50 50 82 7d 10 00 00 00"));
    for (size_t i = 0, step = 1; i < noise.size(); i += step, step = 1 + rng() % 7) {
      r.Feed(std::string_view(noise).substr(i, step));
      while (r.Next()) {
      }
    }
    EXPECT_LE(r.buffered(), noise.size());
  }
}

}  // namespace
}  // namespace titip::gateway::zk
