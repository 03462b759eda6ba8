// Stream behaviour of AttlogParser: any split of the input (down to one byte at a time) gives
// the same result as one buffer, and arbitrary bytes never crash it or break its invariants.
// Randomised tests are seeded and print the seed on failure.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "attlog_test_util.h"
#include "titip/gateway/attlog_parser.h"

namespace titip::gateway {
namespace {

using testing::ParseChunked;
using testing::Parsed;

struct Generated {
  std::string text;
  size_t valid = 0;
  size_t garbage = 0;
};

// A multi-thousand-line file mixing valid lines, every garbage kind, blank lines, CRLF and LF.
// Only the low bits of mt19937_64 output are used, which the standard fixes exactly.
Generated MixedInput(uint64_t seed, int n_lines) {
  std::mt19937_64 rng(seed);
  Generated g;
  for (int i = 0; i < n_lines; ++i) {
    char pin[16], when[32];
    std::snprintf(pin, sizeof pin, "%9llu", static_cast<unsigned long long>(rng() % 2000000));
    std::snprintf(when, sizeof when, "20%02d-%02d-%02d %02d:%02d:%02d", int(rng() % 100),
                  int(rng() % 12 + 1), int(rng() % 28 + 1), int(rng() % 24), int(rng() % 60),
                  int(rng() % 60));
    std::string good =
        std::string(pin) + "\t" + when + "\t1\t" + std::to_string(rng() % 6) + "\t1\t0";
    std::string line;
    switch (rng() % 10) {
      case 0:
        line = good.substr(0, rng() % good.size() + 1);
        break;  // cut anywhere
      case 1:
        line = std::string(pin) + "\t2024-02-30 08:00:00";
        break;
      case 2:
        line = std::string(1500 + rng() % 3000, 'Z');
        break;
      case 3:
        line = "";
        break;
      default:
        line = good;
    }
    // The model: a line cut inside the padding is blank; one cut before the end of the time
    // (9 + 1 + 19 bytes) is garbage; a cut among the numeric fields leaves a valid prefix.
    bool blank = line.find_first_not_of(' ') == std::string::npos;
    bool valid = line.size() >= 29 && line.size() <= 1024 && line.find("02-30") == line.npos;
    if (!blank) ++(valid ? g.valid : g.garbage);
    g.text += line + (rng() % 2 ? "\r\n" : "\n");
  }
  return g;
}

TEST(AttlogParserStream, ByteAtATimeEqualsWholeBuffer) {
  const uint64_t seed = 20221130;
  SCOPED_TRACE("seed=" + std::to_string(seed));
  Generated g = MixedInput(seed, 5000);
  g.text.insert(0, "\xEF\xBB\xBF");  // a BOM split across three Feed calls must still vanish
  Parsed whole = ParseChunked(g.text);
  EXPECT_EQ(whole.records.size(), g.valid);
  EXPECT_EQ(whole.garbage, g.garbage);
  EXPECT_EQ(whole.lines, 5000u);
  EXPECT_GT(g.garbage, 500u);
  EXPECT_EQ(ParseChunked(g.text, 1), whole);
}

TEST(AttlogParserStream, RandomSplitsEqualWholeBuffer) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SCOPED_TRACE("seed=" + std::to_string(seed));
    Generated g = MixedInput(seed, 300);
    // Last line without newline too, so Finish sees a partial line under every split.
    std::string text = g.text + "  42\t2024-03-15 07:30:05\t1";
    Parsed whole = ParseChunked(text);
    std::mt19937_64 rng(seed);
    AttlogParser p;
    Parsed split;
    for (size_t i = 0; i < text.size();) {
      size_t n = rng() % 64;
      p.Feed(std::string_view(text).substr(i, n), &split.records);
      i += n;
    }
    p.Finish(&split.records);
    split.issues = p.issues();
    split.garbage = p.garbage_count();
    split.lines = p.lines();
    EXPECT_EQ(split, whole);
  }
}

TEST(AttlogParserStream, RandomBytesNeverBreakInvariants) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::mt19937_64 rng(seed);
    std::string bytes(rng() % 4096, '\0');
    // Skew towards bytes that matter to the grammar so the random input reaches deep states.
    static const char kAlphabet[] = "\t\n\r 0123456789-:\xEF\xBB\xBF";
    for (char& c : bytes) {
      c = rng() % 2 ? kAlphabet[rng() % (sizeof kAlphabet - 1)] : static_cast<char>(rng());
    }
    Parsed whole = ParseChunked(bytes);
    EXPECT_LE(whole.issues.size(), AttlogParser::kMaxIssues);
    EXPECT_LE(whole.records.size() + whole.garbage, whole.lines);
    uint64_t prev_line = 0;
    for (const AttlogRecord& r : whole.records) {
      EXPECT_FALSE(r.pin.empty());
      EXPECT_LE(r.pin.size(), AttlogParser::kMaxPinChars);
      EXPECT_GT(r.line, prev_line);
      prev_line = r.line;
    }
    EXPECT_EQ(ParseChunked(bytes, 1 + rng() % 7), whole);
  }
}

}  // namespace
}  // namespace titip::gateway
