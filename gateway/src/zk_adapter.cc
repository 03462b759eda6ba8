// The zk pull service: schedule, status board, error counting. The pull itself is zk_pull.cc.
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <random>
#include <thread>

#include "titip/gateway/zk_pull.h"

namespace titip::gateway {
namespace {

constexpr std::chrono::milliseconds kIoTimeout{10000};
constexpr int64_t kSkewWarnS = 120;

class ZkAdapter final : public relay::Service {
 public:
  ZkAdapter(relay::DaemonContext& ctx, config::TerminalConfig t)
      : ctx_(ctx), t_(std::move(t)), rng_(std::hash<std::string>()(t_.serial)) {
    opts_.serial = t_.serial;
    opts_.unit = ctx_.config.node.unit;
    opts_.comm_key = t_.comm_key;
    opts_.utc_offset_min = ctx_.config.node.utc_offset_min;
    if (t_.clear_after_receipt) {
      spdlog::warn(
          "terminal {}: clear_after_receipt is not implemented for zk terminals; the "
          "terminal keeps its whole log (re-reads are deduplicated)",
          t_.serial);
    }
    ctx_.terminals.Update(t_.serial, [](relay::TerminalBoard::Entry&) {});
    thread_ = std::thread([this] { Run(); });
  }
  ~ZkAdapter() override {
    Stop();
    if (thread_.joinable()) thread_.join();
  }
  void Stop() override {
    {
      std::lock_guard<std::mutex> l(mu_);  // no lost wake-up between the check and the wait
      stop_ = true;
    }
    cv_.notify_all();
  }

 private:
  void Run() {
    MonoTime next = ctx_.clock.Mono();  // first pull at once: a restarted gateway catches up
    std::unique_lock<std::mutex> l(mu_);
    while (!stop_) {
      if (ctx_.clock.Mono() < next) {
        cv_.wait_for(l, std::chrono::milliseconds(50));
        continue;
      }
      l.unlock();
      PullAndReport();
      l.lock();
      int64_t interval_ms = int64_t{t_.poll_interval_s} * 1000;
      // Up to 10% jitter so that terminals configured alike do not all poll at once.
      int64_t jitter_ms =
          static_cast<int64_t>(rng_() % static_cast<uint64_t>(interval_ms / 10 + 1));
      next = ctx_.clock.Mono() + std::chrono::milliseconds(interval_ms + jitter_ms);
    }
  }

  void PullAndReport() {
    Result<ZkPullReport> r = Status::Unavailable("not started");
    auto stream = t_.transport == "udp" ? ConnectZkUdp(t_.address, kIoTimeout, &stop_)
                                        : ConnectZkTcp(t_.address, kIoTimeout, &stop_);
    if (stream.ok()) {
      r = PullZkOnce(**stream, opts_, ctx_.committer, ctx_.clock);
    } else {
      r = stream.status();
    }
    int64_t now_ms = ctx_.clock.Wall().count();
    if (!r.ok()) {
      ++errors_;
      spdlog::warn("terminal {} ({}): zk pull failed ({} failures so far): {}", t_.serial,
                   t_.address, errors_, r.status().ToString());
      ctx_.terminals.Update(t_.serial, [&](relay::TerminalBoard::Entry& e) {
        e.up = false;
        e.last_error = "Gagal membaca mesin absensi " + t_.serial + ": " + r.status().message();
      });
      return;
    }
    const ZkPullReport& p = *r;
    spdlog::info(
        "terminal {}: zk pull read {} records ({} B each), {} new, {} already stored, "
        "{} refused, {} undecodable; log {}/{}; clock skew {:+} s",
        t_.serial, p.read, p.record_size, p.added, p.duplicates, p.rejected, p.bad_records,
        p.sizes.records, p.sizes.record_capacity, p.clock_skew_s);
    if (p.nearly_full) {
      spdlog::warn(
          "terminal {}: attendance log is {}/{} records (> {}% full); the terminal may "
          "start overwriting or refusing punches",
          t_.serial, p.sizes.records, p.sizes.record_capacity, opts_.full_warn_percent);
    }
    if (p.bad_records > 0) {
      spdlog::warn("terminal {}: {} records could not be decoded and were skipped", t_.serial,
                   p.bad_records);
    }
    if (std::llabs(p.clock_skew_s) > kSkewWarnS) {
      spdlog::warn("terminal {}: clock is {:+} s off the gateway's; punch times carry that error",
                   t_.serial, p.clock_skew_s);
    }
    ctx_.terminals.Update(t_.serial, [&](relay::TerminalBoard::Entry& e) {
      e.up = true;
      e.skew_known = p.skew_known;
      e.clock_skew_s = p.clock_skew_s;
      e.last_contact_ms = now_ms;
      e.records = static_cast<uint64_t>(std::max(0, p.sizes.records));
      e.capacity = static_cast<uint64_t>(std::max(0, p.sizes.record_capacity));
      e.last_error.clear();
    });
  }

  relay::DaemonContext ctx_;  // a copy: the factory's context is a temporary of references
  config::TerminalConfig t_;
  ZkPullOptions opts_;
  std::mt19937_64 rng_;
  uint64_t errors_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

std::unique_ptr<relay::Service> StartZkAdapter(relay::DaemonContext& ctx,
                                               const config::TerminalConfig& terminal) {
  return std::make_unique<ZkAdapter>(ctx, terminal);
}

}  // namespace titip::gateway
