// The single place that reads the OS clocks.
#include "titip/common/clock.h"

#include <sys/timex.h>

namespace titip {

MonoTime SystemClock::Mono() const {
  return std::chrono::duration_cast<MonoTime>(std::chrono::steady_clock::now().time_since_epoch());
}

WallTime SystemClock::Wall() const {
  return std::chrono::duration_cast<WallTime>(std::chrono::system_clock::now().time_since_epoch());
}

bool SystemClock::WallSynced() const {
  struct timex tx = {};
  int state = adjtimex(&tx);
  return state != TIME_ERROR && state != -1;
}

SystemClock& SystemClock::Instance() {
  static SystemClock clock;
  return clock;
}

}  // namespace titip
