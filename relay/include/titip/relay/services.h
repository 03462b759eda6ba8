// The seam between the custody daemon and what runs beside it in the same process: the
// gateway's terminal adapters (ZK pull, ADMS push server, SOAP pull) and later the
// aggregator's services. RunDaemon opens the store, starts the group committer, then asks the
// role's ServiceFactory for its services; they run on their own threads, write only through
// the committer (never their own transactions: one writer per store) and report terminal
// state on the TerminalBoard, which telemetry and the runtime status read.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "titip.pb.h"
#include "titip/common/clock.h"
#include "titip/common/status.h"
#include "titip/config/config.h"
#include "titip/storage/group_commit.h"
#include "titip/storage/store.h"

namespace titip::relay {

// Latest state of each terminal, by serial; thread-safe.
class TerminalBoard {
 public:
  struct Entry {
    bool up = false;
    bool skew_known = false;
    int64_t clock_skew_s = 0;     // terminal clock minus gateway clock
    int64_t last_contact_ms = 0;  // gateway wall clock, Unix ms; 0 = never
    uint64_t records = 0;         // log records on the terminal at the last look (0 unknown)
    uint64_t capacity = 0;        // log capacity (0 unknown)
    std::string last_error;       // empty when the last contact went well
  };
  void Update(const std::string& serial, const std::function<void(Entry&)>& fn) {
    std::lock_guard<std::mutex> l(mu_);
    fn(entries_[serial]);
  }
  std::map<std::string, Entry> Snapshot() const {
    std::lock_guard<std::mutex> l(mu_);
    return entries_;
  }
  // For telemetry: one TerminalState per terminal, ages against `now_ms`.
  std::vector<wire::TerminalState> ToWire(int64_t now_ms) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

// Extra exposition text a service adds to /metrics (e.g. the aggregator's deadline gauges):
// the service publishes whole families from its own thread; the daemon appends the latest to
// every page. Thread-safe.
class MetricsBoard {
 public:
  void Publish(std::string text) { Publish("", std::move(text)); }
  // Several services each own a `part` (replaced whole on each publish); pages show all.
  void Publish(const std::string& part, std::string text) {
    std::lock_guard<std::mutex> l(mu_);
    parts_[part] = std::move(text);
  }
  std::string Text() const {
    std::lock_guard<std::mutex> l(mu_);
    std::string out;
    for (const auto& [part, text] : parts_) out += text;
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> parts_;
};

struct DaemonContext {
  const config::Config& config;
  storage::Store& store;
  storage::GroupCommitter& committer;
  const Clock& clock;
  TerminalBoard& terminals;
  MetricsBoard* metrics = nullptr;  // null when the daemon serves no /metrics
};

// Something running beside the custody loop. Stop() asks it to finish; the destructor waits
// for its threads. Both are called on the main thread after the loop returned.
class Service {
 public:
  virtual ~Service() = default;
  virtual void Stop() = 0;
  // SIGHUP (`titipctl reload`): re-read whatever files the service loaded. Called on the loop
  // thread: hand the work to the service's own thread rather than block the loop.
  virtual void Reload() {}
};

using Services = std::vector<std::unique_ptr<Service>>;
// Starts the role's services; an error stops the daemon before it serves (exit code from the
// status, the message logged).
using ServiceFactory = std::function<Result<Services>(DaemonContext&)>;

}  // namespace titip::relay
