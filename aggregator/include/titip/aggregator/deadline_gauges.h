// The deadline monitor as Prometheus gauges (one per unit), so an alert fires before BKD's
// 3-day upload rule is broken rather than after someone runs `titipctl deadline`.
#pragma once

#include <string>
#include <vector>

#include "titip/aggregator/deadline.h"

namespace titip::aggregator {

// Exposition text of two families over `rows` (any number of days per unit):
//   titip_unit_deadline_status{unit}  worst status: 0 ok, 1 pending, 2 warn, 3 late
//   titip_unit_days_late{unit}        days in the window already late
// Units sorted; label values escaped. Empty when there are no rows.
std::string RenderDeadlineGauges(const std::vector<DeadlineRow>& rows);

}  // namespace titip::aggregator
