// Roster CSV: good files, every kind of bad row (with its line), NIP validation, and the
// shipped Muaro Jambi example.
#include <gtest/gtest.h>

#include "titip/aggregator/roster.h"

namespace titip::aggregator {
namespace {

constexpr char kNip1[] = "198503152010011002";
constexpr char kNip2[] = "199001012015032001";

TEST(RosterParse, GoodFileWithHeaderQuotesAndComments) {
  std::string text = std::string("unit_id,terminal_serial,pin,nip,name\r\n") +
                     "# staff of the secretariat\n\n" + "setda,A6F1,1," + kNip1 +
                     ",Budi Santoso\r\n" + "setda,A6F1,2," + kNip2 +
                     ",\"Siti, S.Kom \"\"Ani\"\"\"\n" + "setda,A6F2,7," + kNip1 + ",Budi Santoso";
  auto r = ParseRoster(text, "roster.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->entries().size(), 3u);
  const RosterEntry* siti = r->Find("A6F1", "2");
  ASSERT_NE(siti, nullptr);
  EXPECT_EQ(siti->name, "Siti, S.Kom \"Ani\"");
  EXPECT_EQ(siti->line, 5);
  EXPECT_EQ(r->Find("A6F2", "7")->nip, kNip1);  // same person on a second terminal
  EXPECT_EQ(r->Find("A6F1", "7"), nullptr);
  EXPECT_EQ(r->UnitOfTerminal("A6F2").value_or(""), "setda");
  EXPECT_FALSE(r->UnitOfTerminal("ZZZ").has_value());
  EXPECT_EQ(r->Units(), std::vector<std::string>{"setda"});
}

TEST(RosterParse, EmptyFileIsAnEmptyRoster) {
  auto r = ParseRoster("unit_id,terminal_serial,pin,nip,name\n", "r.csv");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->entries().empty());
}

struct BadRow {
  std::string row;  // appended as line 3 after a header and one good row
  std::string needle;
};

class RosterBadRow : public ::testing::TestWithParam<BadRow> {};

TEST_P(RosterBadRow, NamesFileAndLine) {
  std::string text = std::string("unit_id,terminal_serial,pin,nip,name\nsetda,A6F1,1,") + kNip1 +
                     ",Budi\n" + GetParam().row + "\n";
  auto r = ParseRoster(text, "/etc/titip/roster.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  const std::string& m = r.status().message();
  EXPECT_EQ(m.rfind("/etc/titip/roster.csv:3: ", 0), 0u) << m;
  EXPECT_NE(m.find(GetParam().needle), std::string::npos) << m;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, RosterBadRow,
    ::testing::Values(
        BadRow{"setda,A6F1,2", "expected 5 fields"},
        BadRow{std::string("setda,A6F1,2,") + kNip2 + ",Siti,extra", "expected 5 fields"},
        BadRow{"setda,A6F1,2,12345,Siti", "18 digits"},
        BadRow{"setda,A6F1,2,19850315201001100X,Siti", "digits only"},
        BadRow{"setda,A6F1,2,198513152010011002,Siti", "birth date"},   // month 13
        BadRow{"setda,A6F1,2,198502302010011002,Siti", "birth date"},   // Feb 30
        BadRow{"setda,A6F1,2,198503152010131002,Siti", "appointment"},  // month 13
        BadRow{"setda,A6F1,2,198503151990011002,Siti", "appointment"},  // appointed at 4
        BadRow{"setda,A6F1,2,198503152010013002,Siti", "sex"},
        BadRow{std::string("Setda,A6F1,2,") + kNip2 + ",Siti", "unit_id"},
        BadRow{std::string("setda,A6 F1,2,") + kNip2 + ",Siti", "terminal_serial"},
        BadRow{std::string("setda,A6F1,,") + kNip2 + ",Siti", "pin"},
        BadRow{std::string("setda,A6F1,2,") + kNip2 + ",", "name"},
        BadRow{std::string("setda,A6F1,1,") + kNip2 + ",Siti", "already enrolled at line 2"},
        BadRow{std::string("dinkes,A6F1,2,") + kNip2 + ",Siti", "already belongs to unit setda"},
        BadRow{std::string("setda,A6F2,2,") + kNip1 + ",Budi S", "is named 'Budi' at line 2"},
        BadRow{std::string("setda,A6F1,2,") + kNip2 + ",\"Siti", "unterminated"},
        BadRow{std::string("setda,A6F1,2,") + kNip2 + ",\"Siti\" x", "after a closing quote"}));

TEST(RosterNip, ValidAndInvalid) {
  EXPECT_FALSE(CheckNip(kNip1).has_value());
  EXPECT_FALSE(CheckNip(kNip2).has_value());
  EXPECT_FALSE(CheckNip("196002291985032001").has_value());  // born on a leap day
  EXPECT_TRUE(CheckNip("196102291985032001").has_value());   // 1961 had no Feb 29
  EXPECT_TRUE(CheckNip("").has_value());
  EXPECT_TRUE(CheckNip("1985031520100110021").has_value());
}

TEST(RosterFile, MissingFileIsNotFound) {
  auto r = LoadRoster("/nonexistent/roster.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
}

TEST(RosterFile, MuaroJambiExampleLoads) {
  auto r = LoadRoster(std::string(TITIP_EXAMPLES_DIR) + "/roster.csv");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->Units().size(), 41u);  // every unit of /work/shared/data
  EXPECT_GE(r->entries().size(), 41u * 3);
}

}  // namespace
}  // namespace titip::aggregator
