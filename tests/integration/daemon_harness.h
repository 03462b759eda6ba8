// Black-box test helpers: start real titip processes from build/bin, wait for conditions with
// a deadline (never a bare sleep as the assertion), run titipctl and parse its JSON.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace titip::testing {

std::string BinPath(const std::string& name);  // build/bin/<name>
std::string MakeTempDir(const std::string& tag);
void RemoveTree(const std::string& dir);
void WriteFile(const std::string& path, const std::string& text);
std::string ReadFile(const std::string& path);
int FreeTcpPort();  // a loopback port that was free a moment ago
// One HTTP request to 127.0.0.1:`port` on a fresh connection, sent as given (a test may send
// garbage); the whole response, "" when nothing came (5 s without a byte ends the read).
std::string HttpRaw(int port, const std::string& request);
std::string Body(const std::string& response);  // after the blank line; "" without one
// GET /metrics: the page's body ("" on failure).
std::string ScrapeMetrics(int port);

class Process {
 public:
  Process() = default;
  Process(const Process&) = delete;
  Process(Process&& o) noexcept : pid_(o.pid_) { o.pid_ = -1; }
  ~Process();
  // stdout and stderr both go to log_path (appended).
  static Process Start(const std::vector<std::string>& argv, const std::string& log_path);
  void Signal(int sig) const;
  // Waits for exit; returns the raw wait status (use WIFEXITED/WEXITSTATUS), -1 on timeout.
  int Wait(int timeout_ms);
  bool Running();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

struct RunResult {
  int exit_code = -1;  // -1: killed by a signal
  std::string out;
};
// Runs to completion, capturing stdout (stderr goes to the test's stderr).
RunResult Run(const std::vector<std::string>& argv);

// Polls `pred` every 50 ms until it holds or `timeout_ms` passes.
bool WaitFor(const std::function<bool()>& pred, int timeout_ms);

// Lets `p` run in 20 ms slices and freezes it (SIGSTOP) before each check of `pred`, so a slow
// check (titipctl under ASan on a busy machine) cannot let a transfer run to its end unseen.
// Returns true with `p` still frozen once `pred` holds: kill it, or SIGCONT it.
// `pred` must not open `p`'s store: a process frozen inside LMDB's env setup or reader-slot
// registration holds a lock that titipctl would wait on forever (stop 14's CI hang).
bool WaitForFrozen(const Process& p, const std::function<bool()>& pred, int timeout_ms);

// `titipctl --state-dir DIR punches --json`, one object per line.
std::vector<nlohmann::json> Punches(const std::string& state_dir);
nlohmann::json Queue(const std::string& state_dir);

// Rows, distinct identities (origin, epoch, seq) and distinct natural keys (terminal, PIN,
// time, verify) among `titipctl punches --json` rows: all three equal means exactly once.
struct UniqueCounts {
  size_t rows = 0, identities = 0, natural_keys = 0;
};
UniqueCounts CountUnique(const std::vector<nlohmann::json>& punches);

}  // namespace titip::testing
