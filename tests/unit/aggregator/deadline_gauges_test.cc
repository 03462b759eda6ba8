#include "titip/aggregator/deadline_gauges.h"

#include <gtest/gtest.h>

namespace titip::aggregator {
namespace {

DeadlineRow Row(const std::string& unit, int64_t day, DeadlineStatus s) {
  DeadlineRow r;
  r.unit = unit;
  r.date = day * 86400;
  r.status = s;
  r.reason = "x";
  return r;
}

TEST(DeadlineGauges, WorstStatusAndLateDaysPerUnit) {
  std::vector<DeadlineRow> rows = {
      Row("kec-sekernan", 1, DeadlineStatus::kOk),
      Row("kec-sekernan", 2, DeadlineStatus::kWarn),
      Row("kec-sekernan", 3, DeadlineStatus::kPending),
      Row("bkd", 1, DeadlineStatus::kLate),
      Row("bkd", 2, DeadlineStatus::kLate),
      Row("bkd", 3, DeadlineStatus::kOk),
      Row("dinkes", 3, DeadlineStatus::kOk),
  };
  std::string t = RenderDeadlineGauges(rows);
  EXPECT_NE(t.find("titip_unit_deadline_status{unit=\"kec-sekernan\"} 2\n"), std::string::npos)
      << t;
  EXPECT_NE(t.find("titip_unit_deadline_status{unit=\"bkd\"} 3\n"), std::string::npos) << t;
  EXPECT_NE(t.find("titip_unit_deadline_status{unit=\"dinkes\"} 0\n"), std::string::npos) << t;
  EXPECT_NE(t.find("titip_unit_days_late{unit=\"bkd\"} 2\n"), std::string::npos) << t;
  EXPECT_NE(t.find("titip_unit_days_late{unit=\"kec-sekernan\"} 0\n"), std::string::npos) << t;
  // Units sorted, each family declared once.
  EXPECT_LT(t.find("unit=\"bkd\""), t.find("unit=\"dinkes\""));
  EXPECT_EQ(t.find("# TYPE titip_unit_deadline_status gauge"),
            t.rfind("# TYPE titip_unit_deadline_status gauge"));
}

TEST(DeadlineGauges, EscapesLabelValuesAndIsEmptyWithoutRows) {
  EXPECT_EQ(RenderDeadlineGauges({}), "");
  std::string t = RenderDeadlineGauges({Row("a\"b\\c\nd", 1, DeadlineStatus::kOk)});
  EXPECT_NE(t.find("{unit=\"a\\\"b\\\\c\\nd\"} 0"), std::string::npos) << t;
}

}  // namespace
}  // namespace titip::aggregator
