// See periodic_worker.h.
#include "titip/relay/periodic_worker.h"

namespace titip::relay {

void PeriodicWorker::Start(std::function<Delay()> tick, Delay first) {
  thread_ = std::thread([this, tick = std::move(tick), first] { Run(tick, first); });
}

void PeriodicWorker::Wake() {
  std::lock_guard<std::mutex> l(mu_);
  ++wakes_;
  cv_.notify_all();
}

void PeriodicWorker::Stop() {
  std::lock_guard<std::mutex> l(mu_);
  stop_ = true;
  cv_.notify_all();
}

void PeriodicWorker::Join() {
  Stop();
  if (thread_.joinable()) thread_.join();
}

bool PeriodicWorker::Wait(Delay d) {
  std::unique_lock<std::mutex> l(mu_);
  auto done = [this] { return stop_ || wakes_ > seen_wakes_; };
  if (d == kUntilWoken) {
    cv_.wait(l, done);
  } else if (d > Delay::zero()) {
    cv_.wait_for(l, d, done);
  }
  seen_wakes_ = wakes_;  // wakes before this tick are served by it
  return !stop_;
}

void PeriodicWorker::Run(std::function<Delay()> tick, Delay first) {
  for (Delay d = first; Wait(d);) d = tick();
}

}  // namespace titip::relay
