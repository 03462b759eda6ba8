#include "tables_service.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "titip/aggregator/in_force.h"
#include "titip/aggregator/roster.h"
#include "titip/aggregator/schedule.h"
#include "titip/common/text_file.h"
#include "titip/relay/periodic_worker.h"

namespace titip::aggregator {
namespace {

constexpr size_t kMaxTableBytes = 64u << 20;  // as LoadRoster

// Parsed tables and the exact bytes they came from (copied to the state dir).
struct Tables {
  std::string roster_text, schedule_text;
  Roster roster;
  bool has_roster = false, has_schedule = false;
};

Result<Tables> Load(const config::Config& cfg) {
  Tables t;
  if (!cfg.roster_file.empty()) {
    auto text = ReadTextFile(cfg.roster_file, kMaxTableBytes);
    if (!text.ok()) return Status::Invalid("roster_file: " + text.status().ToString());
    auto r = ParseRoster(*text, cfg.roster_file);
    if (!r.ok()) return Status::Invalid("roster_file: " + r.status().message());
    t.roster = std::move(r).value();
    t.roster_text = std::move(text).value();
    t.has_roster = true;
  }
  if (!cfg.schedule_file.empty()) {
    auto text = ReadTextFile(cfg.schedule_file, kMaxTableBytes);
    if (!text.ok()) return Status::Invalid("schedule_file: " + text.status().ToString());
    auto s = ParseSchedule(*text, cfg.schedule_file);
    if (!s.ok()) return Status::Invalid("schedule_file: " + s.status().message());
    t.schedule_text = std::move(text).value();
    t.has_schedule = true;
  }
  return t;
}

// Temp file then rename: titipctl never reads half a file.
Status WriteAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc | std::ios::binary);
    f << text;
    f.flush();
    if (!f) return Status::IoError("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::IoError("cannot rename " + tmp);
  return Status::Ok();
}

class Keeper : public TablesService {
 public:
  Keeper(relay::DaemonContext& ctx, Tables t)
      : cfg_(ctx.config), clock_(ctx.clock), board_(ctx.metrics), tables_(std::move(t)) {
    Publish();
    // Loads only when asked; several signals during one load make one more load.
    worker_.Start(
        [this] {
          ReloadNow();
          return relay::PeriodicWorker::kUntilWoken;
        },
        relay::PeriodicWorker::kUntilWoken);
  }
  void Stop() override { worker_.Stop(); }
  void Reload() override { worker_.Wake(); }
  std::vector<std::string> Units() const override {
    std::lock_guard<std::mutex> l(mu_);
    return tables_.roster.Units();
  }
  std::map<std::string, std::string> TerminalUnits() const override {
    std::lock_guard<std::mutex> l(mu_);
    std::map<std::string, std::string> out;
    for (const auto& e : tables_.roster.entries()) out[e.terminal_serial] = e.unit_id;
    return out;
  }

 private:
  void ReloadNow() {
    auto t = Load(cfg_);
    {
      std::lock_guard<std::mutex> l(mu_);
      if (t.ok()) {
        tables_ = std::move(t).value();
        ++reloads_ok_;
        last_error_.clear();
        spdlog::info("reload: roster {} ({} enrolments in {} units), schedule {}", cfg_.roster_file,
                     tables_.roster.entries().size(), tables_.roster.Units().size(),
                     cfg_.schedule_file);
      } else {
        ++reloads_failed_;
        last_error_ = t.status().message();
        spdlog::error("reload failed, the roster and schedule in force stay: {}", last_error_);
      }
    }
    Publish();
  }

  // Copies, then the status file last: a reader that sees the new status sees the new copies.
  void Publish() {
    std::lock_guard<std::mutex> l(mu_);
    const std::string& dir = cfg_.node.state_dir;
    std::error_code ec;
    std::filesystem::create_directories(dir + "/" + kInForceDir, ec);
    Status s;
    for (auto [name, has, text] :
         {std::tuple{kInForceRoster, tables_.has_roster, &tables_.roster_text},
          std::tuple{kInForceSchedule, tables_.has_schedule, &tables_.schedule_text}}) {
      std::string path = InForcePath(dir, name);
      if (has && s.ok()) s = WriteAtomically(path, *text);
      if (!has) std::filesystem::remove(path, ec);
    }
    nlohmann::json j{{"pid", getpid()},
                     {"loaded_at_ms", clock_.Wall().count()},
                     {"roster_file", cfg_.roster_file},
                     {"schedule_file", cfg_.schedule_file},
                     {"roster_entries", tables_.roster.entries().size()},
                     {"roster_units", tables_.roster.Units().size()},
                     {"reloads_ok", reloads_ok_},
                     {"reloads_failed", reloads_failed_},
                     {"last_error", last_error_}};
    if (s.ok()) s = WriteAtomically(InForcePath(dir, kInForceStatus), j.dump() + "\n");
    if (!s.ok()) spdlog::warn("cannot publish the tables in force for titipctl: {}", s.ToString());
    if (!board_) return;
    board_->Publish(
        "tables",
        "# HELP titip_roster_reloads_total Roster and schedule reloads (SIGHUP, titipctl "
        "reload) by result; a failed one keeps the tables in force.\n"
        "# TYPE titip_roster_reloads_total counter\n"
        "titip_roster_reloads_total{result=\"ok\"} " +
            std::to_string(reloads_ok_) +
            "\n"
            "titip_roster_reloads_total{result=\"failed\"} " +
            std::to_string(reloads_failed_) +
            "\n"
            "# HELP titip_roster_entries Enrolments in the roster in force.\n"
            "# TYPE titip_roster_entries gauge\n"
            "titip_roster_entries " +
            std::to_string(tables_.roster.entries().size()) + "\n");
  }

  const config::Config& cfg_;
  const Clock& clock_;
  relay::MetricsBoard* board_;
  mutable std::mutex mu_;  // guards what follows (Units() is asked from other threads)
  Tables tables_;
  uint64_t reloads_ok_ = 0, reloads_failed_ = 0;
  std::string last_error_;
  relay::PeriodicWorker worker_;  // last: joined before the rest goes
};

}  // namespace

Result<std::unique_ptr<TablesService>> StartTables(relay::DaemonContext& ctx) {
  auto t = Load(ctx.config);
  if (!t.ok()) return t.status();
  if (t->has_roster) {
    spdlog::info("roster {}: {} enrolments in {} units", ctx.config.roster_file,
                 t->roster.entries().size(), t->roster.Units().size());
  }
  if (t->has_schedule) spdlog::info("schedule {} loaded", ctx.config.schedule_file);
  return std::unique_ptr<TablesService>(new Keeper(ctx, std::move(t).value()));
}

}  // namespace titip::aggregator
