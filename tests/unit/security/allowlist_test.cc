// The allowlist format: strict, every bad line named by file and line.
#include <gtest/gtest.h>

#include "titip/relay/security.h"

namespace titip::relay {
namespace {

const std::string kKeyA = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
const std::string kKeyB = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";

TEST(Allowlist, ParsesNodesKeysCommentsAndBlankLines) {
  std::string text = "# who may connect\n\nkec-a " + kKeyA + "\r\n  kec-b\t" + kKeyB + "\nkec-a " +
                     kKeyB.substr(0, 0) + kKeyA + "\n";
  auto r = ParseAllowlist(text, "allowed");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->node_by_key.size(), 2u);
  EXPECT_EQ(r->node_by_key.at(DecodeZ85Key(kKeyA)), "kec-a");
  EXPECT_EQ(r->node_by_key.at(DecodeZ85Key(kKeyB)), "kec-b");
}

TEST(Allowlist, OneNodeMayHoldTwoKeysDuringRotation) {
  auto r = ParseAllowlist("kec-a " + kKeyA + "\nkec-a " + kKeyB + "\n", "f");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->node_by_key.size(), 2u);
}

TEST(Allowlist, RelayFlagMarksNodesThatMayCarryOthersPunches) {
  auto r = ParseAllowlist("diskominfo " + kKeyA + " relay\nkec-b " + kKeyB + "\n", "f");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->relays, std::set<std::string>{"diskominfo"});
  auto bad = ParseAllowlist("kec-b " + kKeyB + " admin\n", "f");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("f:1: want"), std::string::npos);
}

TEST(Allowlist, BadLinesNameFileAndLine) {
  struct Case {
    std::string text, needle;
  };
  for (const Case& c : std::vector<Case>{
           {"kec-a " + kKeyA + "\n# ok\nkec-b\n", "keys:3: want"},
           {"kec-a " + kKeyA + " relay extra\n", "keys:1: want"},
           {"\nKEC-A " + kKeyA + "\n", "keys:2: bad node id 'KEC-A'"},
           {"kec-a notakey\n", "keys:1: 'notakey' is not"},
           {"kec-a " + std::string(40, '~') + "\n", "keys:1:"},
           {"kec-a " + kKeyA + "\nkec-b " + kKeyA + "\n",
            "keys:2: key already belongs to node 'kec-a'"},
           {std::string(33, 'a') + " " + kKeyA + "\n", "keys:1: bad node id"},
       }) {
    auto r = ParseAllowlist(c.text, "keys");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_NE(r.status().message().find(c.needle), std::string::npos) << r.status().message();
  }
}

TEST(Allowlist, MissingFileIsAnError) {
  auto r = LoadAllowlist("/nonexistent/allowed_keys");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/allowed_keys"), std::string::npos);
}

}  // namespace
}  // namespace titip::relay
