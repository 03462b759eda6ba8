// ZK records, time, free sizes and the buffered read against terminal-protocols.md §1.5-1.8.
#include <gtest/gtest.h>

#include <deque>

#include "titip/common/civil_time.h"
#include "titip/gateway/zk_proto.h"
#include "zk_test_util.h"

namespace titip::gateway::zk {
namespace {

using testing::Hex;

int64_t Civil(const char* s) { return *ParseCivil(s); }

const char* kRecordHex =
    "01 00 31 30 30 31 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
    " 01 7d eb 5e 2e 00 00 00 00 00 ff 00 00 00";

TEST(ZkTime, DocExamples) {
  EXPECT_EQ(EncodeTime(Civil("2024-03-15 07:30:05")), 777972605u);
  EXPECT_EQ(DecodeTime(777972605u), Civil("2024-03-15 07:30:05"));
  EXPECT_EQ(DecodeTime(0x2368B36Bu), Civil("2018-06-25 17:50:35"));
}

TEST(ZkTime, ImpossibleDatesAreRefusedAndRoundTripHolds) {
  uint32_t feb30 = ((24 * 12 * 31) + 1 * 31 + 29) * 86400u;  // 2024-02-30
  EXPECT_FALSE(DecodeTime(feb30));
  EXPECT_FALSE(DecodeTime(0xFFFFFFFFu));
  for (int64_t t = Civil("2000-01-01 00:00:00"); t < Civil("2099-12-31 00:00:00");
       t += 86400 * 17 + 3671) {
    ASSERT_EQ(DecodeTime(EncodeTime(t)), t) << FormatCivil(t);
  }
}

TEST(ZkRecords, DecodesTheDocDirectReply) {
  TcpFrameReader r;
  std::string frame =
      Hex(std::string("50 50 82 7d 34 00 00 00 dd 05 45 a9 34 12 05 00 28 00 00 00") + kRecordHex);
  for (char c : frame) r.Feed(std::string_view(&c, 1));
  auto p = r.Next();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->cmd, kCmdData);
  EXPECT_TRUE(p->checksum_ok);
  auto att = DecodeAttendance(p->data);
  ASSERT_TRUE(att.ok()) << att.status().ToString();
  ASSERT_EQ(att->records.size(), 1u);
  EXPECT_EQ(att->record_size, 40u);
  const Record& rec = att->records[0];
  EXPECT_EQ(rec.uid, 1);
  EXPECT_EQ(rec.pin, "1001");
  EXPECT_EQ(rec.verify, 1u);
  EXPECT_EQ(rec.status, 0u);
  EXPECT_EQ(rec.device_time, Civil("2024-03-15 07:30:05"));
  EXPECT_EQ(EncodeRecord40(rec), Hex(kRecordHex));
}

TEST(ZkRecords, EightAndSixteenByteLayoutsRoundTrip) {
  Record a{7, "7", Civil("2026-11-02 07:21:00"), 1, 0, 0};
  Record b{9, "9", Civil("2026-11-02 16:02:13"), 15, 1, 0};
  auto d8 = DecodeAttendance(EncodeDataset({EncodeRecord8(a), EncodeRecord8(b)}), 2);
  ASSERT_TRUE(d8.ok());
  EXPECT_EQ(d8->record_size, 8u);
  EXPECT_EQ(d8->records, (std::vector<Record>{a, b}));
  Record c{0x2329, "123456789", Civil("2026-11-03 07:00:00"), 1, 3, 5};
  auto d16 = DecodeAttendance(EncodeDataset({EncodeRecord16(c)}), 1);
  ASSERT_TRUE(d16.ok());
  EXPECT_EQ(d16->record_size, 16u);
  c.uid = static_cast<uint16_t>(123456789 & 0xFFFF);
  EXPECT_EQ(d16->records, std::vector<Record>{c});
}

TEST(ZkRecords, CountHintPicksTheSizeAsPyzkDoes) {
  // 10 eight-byte records = 80 bytes, also 2 × 40: the count from GET_FREE_SIZES decides.
  std::vector<std::string> recs;
  for (int i = 0; i < 10; ++i) {
    recs.push_back(EncodeRecord8({static_cast<uint16_t>(i + 1), std::to_string(i + 1),
                                  Civil("2026-11-02 07:00:00") + i, 1, 0, 0}));
  }
  auto d = DecodeAttendance(EncodeDataset(recs), 10);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->record_size, 8u);
  EXPECT_EQ(d->records.size(), 10u);
}

TEST(ZkRecords, TruncatedAndGarbageDatasetsAreClearErrors) {
  std::string ds = EncodeDataset({Hex(kRecordHex), Hex(kRecordHex)});
  for (size_t n = 0; n < ds.size(); ++n) {
    auto d = DecodeAttendance(ds.substr(0, n));
    ASSERT_FALSE(d.ok()) << n;
    EXPECT_FALSE(d.status().message().empty());
  }
  EXPECT_FALSE(DecodeAttendance(EncodeDataset({"abc"})).ok());  // 3 bytes: no layout
  // A record with an impossible time is skipped and counted, the rest survive.
  std::string bad = Hex(kRecordHex);
  bad[27] = bad[28] = bad[29] = bad[30] = '\xff';
  auto d = DecodeAttendance(EncodeDataset({bad, Hex(kRecordHex)}));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->records.size(), 1u);
  EXPECT_EQ(d->bad_records, 1u);
  ASSERT_EQ(d->issues.size(), 1u);
}

TEST(ZkFreeSizes, RoundTripAndShortReply) {
  FreeSizes f{7, 6, 605, 10000, 3000, 100000};
  std::string s = EncodeFreeSizes(f);
  ASSERT_EQ(s.size(), 92u);
  auto d = DecodeFreeSizes(s);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->records, 605);
  EXPECT_EQ(d->record_capacity, 100000);
  EXPECT_EQ(d->users, 7);
  EXPECT_FALSE(DecodeFreeSizes(s.substr(0, 67)).ok());
}

// A scripted terminal: replies queued per request, requests recorded.
struct Script {
  std::vector<std::pair<uint16_t, std::string>> sent;
  std::deque<Result<Packet>> replies;
  SendFn Send() {
    return [this](uint16_t c, std::string_view d) {
      sent.emplace_back(c, std::string(d));
      return Status::Ok();
    };
  }
  RecvFn Recv() {
    return [this]() -> Result<Packet> {
      if (replies.empty()) return Status::Unavailable("timeout");
      auto r = std::move(replies.front());
      replies.pop_front();
      return r;
    };
  }
  void Reply(uint16_t cmd, std::string data = {}) {
    Packet p;
    p.cmd = cmd;
    p.data = std::move(data);
    replies.push_back(std::move(p));
  }
};

std::string Dataset(int n) {
  std::vector<std::string> recs;
  for (int i = 0; i < n; ++i) {
    recs.push_back(
        EncodeRecord40({1, std::to_string(1000 + i), Civil("2026-11-02 07:00:00") + i, 1, 0, 0}));
  }
  return EncodeDataset(recs);
}

TEST(ZkBufferedRead, DirectReply) {
  Script s;
  std::string ds = Dataset(3);
  s.Reply(kCmdData, ds);
  s.Reply(kAckOk);
  auto r = ReadBuffered(s.Send(), s.Recv());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, ds);
  ASSERT_EQ(s.sent.size(), 2u);
  EXPECT_EQ(s.sent[0].second, Hex("01 0d 00 00 00 00 00 00 00 00 00"));
  EXPECT_EQ(s.sent[1].first, kCmdFreeData);
}

TEST(ZkBufferedRead, ChunkedWith1008ByteFramesAndPrepareDataInsteadOfAck) {
  for (bool ack_form : {true, false}) {
    Script s;
    std::string ds = Dataset(3000);  // 120004 bytes: two chunks of at most 65472
    if (ack_form) {
      s.Reply(kAckOk, BufferAck(static_cast<uint32_t>(ds.size())));
    } else {
      s.Reply(kCmdPrepareData, ReadBufferRequest(static_cast<uint32_t>(ds.size()), 0));
    }
    for (uint32_t start = 0; start < ds.size(); start += kMaxChunk) {
      uint32_t len = std::min<uint32_t>(kMaxChunk, static_cast<uint32_t>(ds.size()) - start);
      s.Reply(kCmdPrepareData, ReadBufferRequest(len, 0x3F0));
      for (uint32_t off = 0; off < len; off += 1008) {
        s.Reply(kCmdData, ds.substr(start + off, std::min<uint32_t>(1008, len - off)));
      }
      s.Reply(kAckOk);
    }
    s.Reply(kAckOk);
    auto r = ReadBuffered(s.Send(), s.Recv());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, ds);
    ASSERT_EQ(s.sent.size(), 4u);
    EXPECT_EQ(s.sent[1].second, ReadBufferRequest(0, kMaxChunk));
    EXPECT_EQ(s.sent[2].second,
              ReadBufferRequest(kMaxChunk, static_cast<uint32_t>(ds.size()) - kMaxChunk));
    auto att = DecodeAttendance(*r);
    ASSERT_TRUE(att.ok());
    EXPECT_EQ(att->records.size(), 3000u);
  }
}

TEST(ZkBufferedRead, ShortChunkUnexpectedReplyAndTimeoutAreErrors) {
  {
    Script s;
    s.Reply(kAckOk, BufferAck(100));
    s.Reply(kCmdPrepareData, ReadBufferRequest(100, 0));
    s.Reply(kCmdData, std::string(60, 'x'));
    s.Reply(kAckOk);
    auto r = ReadBuffered(s.Send(), s.Recv());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("60 of 100"), std::string::npos);
  }
  {
    Script s;
    s.Reply(kAckError);
    auto r = ReadBuffered(s.Send(), s.Recv());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("CMD_ACK_ERROR"), std::string::npos);
  }
  {
    Script s;
    s.Reply(kAckOk, BufferAck(100));
    s.Reply(kCmdData, std::string(101, 'x'));
    EXPECT_FALSE(ReadBuffered(s.Send(), s.Recv()).ok());
  }
  {
    Script s;
    s.Reply(kAckOk, BufferAck(0xFFFFFFF0u));
    EXPECT_FALSE(ReadBuffered(s.Send(), s.Recv()).ok());
  }
  {
    Script s;  // silence
    auto r = ReadBuffered(s.Send(), s.Recv());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), "timeout");
  }
}

}  // namespace
}  // namespace titip::gateway::zk
