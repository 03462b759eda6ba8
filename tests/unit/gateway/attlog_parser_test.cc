// Line-level behaviour of AttlogParser: the real lines of terminal-protocols.md §4, the
// tolerated variants (CRLF/LF, padding, missing or extra fields, BOM) and each garbage reason.
#include "titip/gateway/attlog_parser.h"

#include <gtest/gtest.h>

#include "attlog_test_util.h"
#include "titip/common/civil_time.h"

namespace titip::gateway {
namespace {

using testing::ParseChunked;
using testing::Parsed;
using testing::ReadFixture;

int64_t T(const char* s) { return *ParseCivil(s); }

TEST(AttlogParser, RealFirstLineFromDoc) {
  Parsed r = ParseChunked("        1\t2022-11-30 14:34:39\t1\t0\t1\t0\n");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0], (AttlogRecord{"1", T("2022-11-30 14:34:39"), 1, 0, 1, 0, 1}));
  EXPECT_EQ(r.garbage, 0u);
  EXPECT_EQ(r.lines, 1u);
}

TEST(AttlogParser, PaddedSixDigitPinIsTrimmed) {
  Parsed r = ParseChunked("   120066\t2022-11-30 14:35:02\t1\t4\t0\t7\r\n");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0], (AttlogRecord{"120066", T("2022-11-30 14:35:02"), 1, 4, 0, 7, 1}));
}

TEST(AttlogParser, AlphanumericPinUpTo24Chars) {
  Parsed r = ParseChunked("ABCDEFGHIJKLMNOPQRSTUVWX\t2024-03-15 07:30:05\t2\t0\t1\t0\n");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].pin, "ABCDEFGHIJKLMNOPQRSTUVWX");
  EXPECT_EQ(r.records[0].device_id, 2u);
}

TEST(AttlogParser, CrlfAndLfFixturesDecodeIdentically) {
  std::string crlf = ReadFixture("valid_crlf.dat");
  std::string lf = ReadFixture("valid_lf.dat");
  // Guards against a checkout that normalised line endings and silently weakened this test.
  ASSERT_NE(crlf.find("\r\n"), std::string::npos);
  ASSERT_EQ(lf.find('\r'), std::string::npos);
  Parsed a = ParseChunked(crlf);
  Parsed b = ParseChunked(lf);
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.records.size(), 4u);
  EXPECT_EQ(a.garbage, 0u);
  EXPECT_EQ(a.records[1], (AttlogRecord{"120066", T("2022-11-30 14:35:02"), 1, 1, 1, 0, 2}));
  EXPECT_EQ(a.records[2].verify, 15u);
  EXPECT_EQ(a.records[3].status, 4u);
}

TEST(AttlogParser, GarbageFixtureCountsLinesAndReasons) {
  Parsed r = ParseChunked(ReadFixture("garbage.dat"));
  EXPECT_EQ(r.lines, 10u);
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.records[0], (AttlogRecord{"1", T("2022-11-30 14:34:39"), 1, 0, 1, 0, 1}));
  EXPECT_EQ(r.records[1], (AttlogRecord{"1004", T("2022-11-30 08:01:00"), 0, 0, 0, 0, 6}));
  EXPECT_EQ(r.records[2], (AttlogRecord{"1005", T("2022-11-30 08:02:00"), 1, 1, 1, 0, 7}));
  std::vector<AttlogIssue> want = {{3, "bad time"}, {4, "bad Status"},   {5, "empty PIN"},
                                   {8, "bad time"}, {9, "PIN too long"}, {10, "bad time"}};
  EXPECT_EQ(r.issues, want);
  EXPECT_EQ(r.garbage, 6u);
}

TEST(AttlogParser, EachBadFieldHasItsReason) {
  struct Case {
    const char* line;
    const char* reason;
  } cases[] = {
      {"1001\tnot a time\t1\t0\t1\t0", "bad time"},
      {"1001", "missing time"},
      {"1001\t1999-12-31 23:59:59", "bad time"},  // a reset clock must not forge a punch
      {"1001\t2024-03-15 07:30:05\tx", "bad DeviceID"},
      {"1001\t2024-03-15 07:30:05\t1\t-1", "bad Status"},
      {"1001\t2024-03-15 07:30:05\t1\t0\t1a", "bad Verify"},
      {"1001\t2024-03-15 07:30:05\t1\t0\t1\t99999999999", "bad WorkCode"},
      {"10 01\t2024-03-15 07:30:05", "bad character in PIN"},
      {"\t2024-03-15 07:30:05\t1\t0\t1\t0", "empty PIN"},
      {"1234567890123456789012345\t2024-03-15 07:30:05", "PIN too long"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    Parsed r = ParseChunked(std::string(c.line) + "\n");
    EXPECT_TRUE(r.records.empty());
    ASSERT_EQ(r.issues.size(), 1u);
    EXPECT_EQ(r.issues[0], (AttlogIssue{1, c.reason}));
  }
}

TEST(AttlogParser, NulInsidePinIsGarbage) {
  std::string line(
      "10\0"
      "1\t2024-03-15 07:30:05\n",
      24);
  Parsed r = ParseChunked(line);
  EXPECT_TRUE(r.records.empty());
  EXPECT_EQ(r.garbage, 1u);
}

TEST(AttlogParser, MissingAndExtraTrailingFieldsAreTolerated) {
  Parsed r = ParseChunked(
      "1\t2024-03-15 07:30:05\n"
      "2\t2024-03-15 07:30:06\t3\t1\n"
      "3\t2024-03-15 07:30:07\t1\t0\t1\t0\t\n"
      "4\t2024-03-15 07:30:08\t1\t0\t1\t0\t255\tjunk\t\r\n");
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_EQ(r.records[0], (AttlogRecord{"1", T("2024-03-15 07:30:05"), 0, 0, 0, 0, 1}));
  EXPECT_EQ(r.records[1], (AttlogRecord{"2", T("2024-03-15 07:30:06"), 3, 1, 0, 0, 2}));
  EXPECT_EQ(r.records[2].line, 3u);
  EXPECT_EQ(r.records[3].workcode, 0u);
  EXPECT_EQ(r.garbage, 0u);
}

TEST(AttlogParser, EmptyAndBlankLinesAreSkippedSilently) {
  Parsed r = ParseChunked("\n\r\n   \t\n1\t2024-03-15 07:30:05\n\n");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].line, 4u);
  EXPECT_EQ(r.garbage, 0u);
  EXPECT_EQ(r.lines, 5u);
}

TEST(AttlogParser, BomOnlyAtStartIsSkipped) {
  Parsed r = ParseChunked(
      "\xEF\xBB\xBF"
      "1\t2024-03-15 07:30:05\n\xEF\xBB\xBF"
      "2\t2024-03-15 07:30:06\n");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].pin, "1");
  EXPECT_EQ(r.issues, (std::vector<AttlogIssue>{{2, "bad character in PIN"}}));
  // A partial BOM is not a BOM: its bytes stay in the first line.
  Parsed partial = ParseChunked(
      "\xEF\xBB"
      "1\t2024-03-15 07:30:05\n");
  EXPECT_EQ(partial.garbage, 1u);
  EXPECT_EQ(ParseChunked("\xEF").garbage, 1u);
  EXPECT_EQ(ParseChunked("\xEF\xBB\xBF").lines, 0u);
}

TEST(AttlogParser, TruncatedLastLineIsDecodedByFinish) {
  AttlogParser p;
  std::vector<AttlogRecord> out;
  p.Feed("1\t2024-03-15 07:30:05\t1\t0\t1\t0\r\n2\t2024-03-15 07:30:06\t1\t1", &out);
  ASSERT_EQ(out.size(), 1u);
  p.Finish(&out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], (AttlogRecord{"2", T("2024-03-15 07:30:06"), 1, 1, 0, 0, 2}));
  // Cut inside the time: reported, not guessed.
  Parsed cut = ParseChunked("1\t2024-03-15 07:3");
  EXPECT_EQ(cut.issues, (std::vector<AttlogIssue>{{1, "bad time"}}));
}

TEST(AttlogParser, OverlongLineIsBoundedAndCounted) {
  std::string ok = "1\t2024-03-15 07:30:05\t1\t0\t1\t0";
  std::string at_limit = ok + "\t" + std::string(AttlogParser::kMaxLineBytes - ok.size() - 1, 'x');
  ASSERT_EQ(at_limit.size(), AttlogParser::kMaxLineBytes);
  std::string huge(10 * 1000 * 1000, 'A');  // no newline for 10 MB
  Parsed r =
      ParseChunked(at_limit + "\n" + at_limit + "x\n" + huge + "\n" + ok + "\n" + huge, 4096);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].line, 1u);
  EXPECT_EQ(r.records[1].line, 4u);
  std::vector<AttlogIssue> want = {
      {2, "line too long"}, {3, "line too long"}, {5, "line too long"}};
  EXPECT_EQ(r.issues, want);
}

TEST(AttlogParser, OnlyFirstTwentyIssuesAreKeptButAllCounted) {
  std::string input;
  for (int i = 0; i < 50; ++i) input += "bad line\n";
  Parsed r = ParseChunked(input);
  EXPECT_EQ(r.garbage, 50u);
  ASSERT_EQ(r.issues.size(), AttlogParser::kMaxIssues);
  EXPECT_EQ(r.issues.back().line, 20u);
}

}  // namespace
}  // namespace titip::gateway
