// ATTLOG upload bodies: every field-count variant of §2.3, the real lines quoted there, any
// split of the input (byte at a time), and garbage that must become a counted issue.
#include <gtest/gtest.h>

#include "titip/common/civil_time.h"
#include "titip/gateway/adms_attlog.h"

namespace titip::gateway {
namespace {

struct Parsed {
  std::vector<AttlogRecord> records;
  std::vector<AttlogIssue> issues;
  uint64_t lines = 0, garbage = 0;
  bool operator==(const Parsed&) const = default;
};

Parsed Parse(std::string_view in, size_t chunk = 0) {
  AdmsAttlogParser p;
  Parsed r;
  if (chunk == 0) chunk = in.size() + 1;
  for (size_t i = 0; i < in.size(); i += chunk) p.Feed(in.substr(i, chunk), &r.records);
  p.Finish(&r.records);
  r.issues = p.issues();
  r.lines = p.lines();
  r.garbage = p.garbage_count();
  return r;
}

constexpr std::string_view kDocBody =
    "46\t2025-01-29 06:58:48\t0\t15\t0\t0\t0\t0\t0\t0\t10881\n"
    "41\t2025-01-29 06:59:10\t0\t1\t0\t0\t0\t0\t0\t0\t10882\n";

TEST(AdmsAttlog, DocSampleBody) {
  Parsed r = Parse(kDocBody);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.garbage, 0u);
  EXPECT_EQ(r.records[0].pin, "46");
  EXPECT_EQ(r.records[0].device_time, *ParseCivil("2025-01-29 06:58:48"));
  EXPECT_EQ(r.records[0].verify, 15u);
  EXPECT_EQ(r.records[0].status, 0u);
  EXPECT_EQ(r.records[1].pin, "41");
  EXPECT_EQ(r.records[1].verify, 1u);
}

TEST(AdmsAttlog, EveryFieldCountFrom2To13) {
  const std::string full = "1\t2026-09-28 08:01:00\t1\t4\t7\t0\t0\t0\t36.5\t0\t0\teyJhIjoxfQ==\t99";
  size_t tabs = 0;
  for (size_t n = 2; n <= 13; ++n) {
    // first n fields
    size_t cut = 0;
    tabs = 0;
    for (cut = 0; cut < full.size(); ++cut) {
      if (full[cut] == '\t' && ++tabs == n) break;
    }
    std::string line = full.substr(0, cut);
    Parsed r = Parse(line + "\r\n");
    ASSERT_EQ(r.records.size(), 1u) << n << " fields: " << line;
    const auto& rec = r.records[0];
    EXPECT_EQ(rec.pin, "1");
    EXPECT_EQ(rec.status, n >= 3 ? 1u : 0u);
    EXPECT_EQ(rec.verify, n >= 4 ? 4u : 0u);
    EXPECT_EQ(rec.workcode, n >= 5 ? 7u : 0u);
  }
  // The 10-field line with a trailing TAB quoted in §2.3.
  Parsed r = Parse("1\t2026-09-28 08:01:00\t0\t1\t0\t0\t0\t0\t0\t0\t\n");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].verify, 1u);
}

TEST(AdmsAttlog, AnySplitGivesTheSameResult) {
  std::string body = std::string(kDocBody) + "x\tbad\n" + "7\t2025-01-29 07:00:00\t1\t1\r\n" +
                     "  \t \n" + "8\t2025-01-29 07:01:00";  // no final newline
  Parsed whole = Parse(body);
  EXPECT_EQ(whole.records.size(), 4u);
  EXPECT_EQ(whole.garbage, 1u);
  for (size_t chunk : {1, 2, 3, 7, 64}) EXPECT_EQ(Parse(body, chunk), whole) << chunk;
}

TEST(AdmsAttlog, GarbageIsCountedWithAReason) {
  struct Case {
    std::string line, reason;
  } cases[] = {
      {"\t2025-01-29 06:58:48\t0\t1", "empty PIN"},
      {std::string(25, '9') + "\t2025-01-29 06:58:48", "PIN too long"},
      {"4\x01\t2025-01-29 06:58:48", "bad character in PIN"},
      {"46", "missing time"},
      {"46\t2025-02-30 06:58:48", "bad time"},
      {"46\t1970-01-01 00:00:00", "bad time"},
      {"46\t2025-01-29 06:58", "bad time"},
      {"46\t2025-01-29 06:58:48\tin", "bad Status"},
      {"46\t2025-01-29 06:58:48\t0\t-1", "bad Verify"},
      {"46\t2025-01-29 06:58:48\t0\t99999999999", "bad Verify"},
      {"OPLOG 4\t0\t2025-01-29 06:58:48\t0\t0\t0\t0", "bad character in PIN"},
  };
  for (const auto& c : cases) {
    Parsed r = Parse(c.line + "\n");
    EXPECT_TRUE(r.records.empty()) << c.line;
    ASSERT_EQ(r.issues.size(), 1u) << c.line;
    EXPECT_EQ(r.issues[0].reason, c.reason) << c.line;
  }
}

TEST(AdmsAttlog, OverlongLineAndBinaryNoise) {
  std::string body = std::string(10000, 'A') + "\n" + std::string(kDocBody);
  Parsed r = Parse(body, 333);
  EXPECT_EQ(r.records.size(), 2u);
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].reason, "line too long");
  std::string noise;
  for (int i = 0; i < 4096; ++i) noise.push_back(static_cast<char>((i * 131 + 7) & 0xFF));
  Parsed n = Parse(noise, 1);
  EXPECT_TRUE(n.records.empty());
  EXPECT_EQ(n.garbage, n.lines);
}

TEST(AdmsAttlog, TruncatedLineIsNotAPunch) {
  // A body cut mid-line by a dropped connection never reaches the parser (Content-Length),
  // but a cut inside the time must not produce a plausible punch either.
  std::string line = "46\t2025-01-29 06:58:48\t0\t15";
  for (size_t i = 1; i < 22; ++i) EXPECT_TRUE(Parse(line.substr(0, i)).records.empty()) << i;
}

}  // namespace
}  // namespace titip::gateway
