// PeriodicWorker: ticks at its pace, a Stop() cuts a long wait short, wakes coalesce.
#include "titip/relay/periodic_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "titip/common/clock.h"

namespace titip::relay {
namespace {

using std::chrono::milliseconds;

// Real elapsed time: the worker's waits are real time by design.
milliseconds Since(MonoTime t0) {
  return std::chrono::duration_cast<milliseconds>(SystemClock::Instance().Mono() - t0);
}

// Polls `pred` until true or 5 s passed; true when it held.
template <typename Pred>
bool Eventually(Pred pred) {
  const MonoTime t0 = SystemClock::Instance().Mono();
  while (!pred()) {
    if (Since(t0) > milliseconds(5000)) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

TEST(PeriodicWorker, StopCutsALongWaitShort) {
  std::atomic<int> ticks{0};
  PeriodicWorker w;
  w.StartEvery(std::chrono::hours(1), [&] { ++ticks; });
  ASSERT_TRUE(Eventually([&] { return ticks == 1; }));  // the first tick runs at once
  const MonoTime t0 = SystemClock::Instance().Mono();
  w.Stop();
  w.Join();
  EXPECT_LT(Since(t0), milliseconds(1000));
  EXPECT_EQ(ticks, 1);
  w.Join();  // idempotent
}

TEST(PeriodicWorker, TicksEveryIntervalAndNoFaster) {
  std::atomic<int> ticks{0};
  const MonoTime t0 = SystemClock::Instance().Mono();
  PeriodicWorker w;
  w.StartEvery(
      milliseconds(20), [&] { ++ticks; }, milliseconds(20));
  ASSERT_TRUE(Eventually([&] { return ticks >= 5; }));
  // Five ticks, each after a 20 ms wait: at least 100 ms went by.
  EXPECT_GE(Since(t0), milliseconds(100));
}

TEST(PeriodicWorker, DestructorStopsAndJoins) {
  std::atomic<int> ticks{0};
  const MonoTime t0 = SystemClock::Instance().Mono();
  {
    PeriodicWorker w;
    w.StartEvery(
        std::chrono::hours(1), [&] { ++ticks; }, std::chrono::hours(1));
  }
  EXPECT_LT(Since(t0), milliseconds(1000));
  EXPECT_EQ(ticks, 0);  // stopped during the first wait: no tick
}

TEST(PeriodicWorker, WakesDuringATickMakeOneMoreTick) {
  std::atomic<int> ticks{0};
  std::atomic<bool> in_tick{false}, release{false};
  PeriodicWorker w;
  w.Start(
      [&] {
        if (++ticks == 1) {
          in_tick = true;
          while (!release) std::this_thread::sleep_for(milliseconds(1));
        }
        return PeriodicWorker::kUntilWoken;
      },
      PeriodicWorker::kUntilWoken);
  w.Wake();
  ASSERT_TRUE(Eventually([&] { return in_tick.load(); }));
  w.Wake();
  w.Wake();
  w.Wake();
  release = true;
  ASSERT_TRUE(Eventually([&] { return ticks == 2; }));
  w.Join();
  EXPECT_EQ(ticks, 2);
}

TEST(PeriodicWorker, TheTickChoosesTheNextWait) {
  std::atomic<int> ticks{0};
  PeriodicWorker w;
  // Three ticks back to back (as the export does while it has rows), then a long idle.
  w.Start([&] { return ++ticks < 3 ? milliseconds(0) : std::chrono::hours(1); });
  ASSERT_TRUE(Eventually([&] { return ticks == 3; }));
  w.Wake();  // cuts the idle short, as a retry would
  ASSERT_TRUE(Eventually([&] { return ticks == 4; }));
  w.Join();
  EXPECT_EQ(ticks, 4);
}

}  // namespace
}  // namespace titip::relay
