// attlog writer: byte-exact terminal format, and a round trip through the gateway's decoder so
// the simulator and the importer cannot drift apart silently.
#include "titip/tools/attlog_writer.h"

#include <gtest/gtest.h>

#include <vector>

#include "titip/common/civil_time.h"
#include "titip/gateway/attlog_parser.h"
#include "titip/tools/workload.h"

namespace titip::tools {
namespace {

TEST(AttlogWriter, FormatMatchesTerminalBytes) {
  Punch p{"1", *ParseCivil("2022-11-30 14:34:39"), 1, 0, 1, 0};
  EXPECT_EQ(FormatAttlogLine(p, LineEnding::kLf), "        1\t2022-11-30 14:34:39\t1\t0\t1\t0\n");
  p.pin = "120066";
  EXPECT_EQ(FormatAttlogLine(p), "   120066\t2022-11-30 14:34:39\t1\t0\t1\t0\r\n");
  p.pin = "1234567890";
  EXPECT_EQ(FormatAttlogLine(p).substr(0, 11), "1234567890\t");
}

TEST(AttlogWriter, RoundTripsThroughGatewayParser) {
  for (LineEnding eol : {LineEnding::kCrlf, LineEnding::kLf}) {
    WorkloadOptions o;
    o.days = 14;
    o.start_day = *ParseCivilDate("2024-03-11");
    o.seed = 11;
    o.first_pin = 99999990;  // crosses from 8 to 9 digits: padding shrinks to zero
    o.users = 20;
    std::vector<Punch> v;
    ASSERT_TRUE(GenerateWorkload(o, [&](const Punch& p) {
                  v.push_back(p);
                  return Status::Ok();
                }).ok());
    std::string file;
    for (const Punch& p : v) file += FormatAttlogLine(p, eol);
    gateway::AttlogParser parser;
    std::vector<gateway::AttlogRecord> got;
    parser.Feed(file, &got);
    parser.Finish(&got);
    EXPECT_EQ(parser.garbage_count(), 0u);
    ASSERT_EQ(got.size(), v.size());
    for (size_t i = 0; i < v.size(); ++i) {
      const Punch& p = v[i];
      EXPECT_EQ(got[i], (gateway::AttlogRecord{p.pin, p.time, p.device_id, p.status, p.verify,
                                               p.workcode, i + 1}));
    }
  }
}

}  // namespace
}  // namespace titip::tools
