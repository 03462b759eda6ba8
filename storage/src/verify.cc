// Full scan of a store in child processes. LMDB trusts its pages: a damaged branch page can
// crash the reader. Walking every record in a child turns that crash into a clear refusal in
// the parent, which never maps the damaged file before the verdict.
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "codec.h"
#include "store_impl.h"

namespace titip::storage {
namespace {

using Scan = std::string (*)(Store& store);

// The punch table: every body decodes and passes the field checks.
std::string ScanPunches(Store& store) {
  uint64_t n = 0;
  Status s = store.ForEachPunch([&](const wire::Punch& p, PunchState) {
    if (!ValidatePunchFields(p).ok()) return false;
    ++n;
    return true;
  });
  if (!s.ok()) return s.ToString();
  auto c = store.GetCounters();
  if (!c.ok()) return c.status().ToString();
  if (c->punches < n) return "punch count does not match its table";
  return {};
}

// The indexes: the day index's shape, and every queue entry naming a stored punch (bodies are
// the other scan's: only the links are checked here).
std::string ScanIndexes(Store& store) {
  if (Status d = store.CheckDayIndex(); !d.ok()) return d.ToString();
  auto c = store.GetCounters();
  if (!c.ok()) return c.status().ToString();
  auto q = store.CheckQueue();
  if (!q.ok()) return q.status().ToString();
  if (*q != c->queued) return "queue count does not match its table";
  return {};
}

// Runs in a child: returns an empty string when everything `scan` reads is sound.
std::string RunScan(const std::string& dir, Scan scan) {
  static ManualClock clock;
  StoreOptions o;
  o.dir = dir;
  o.read_only = true;
  auto store = Store::Open(o, clock);
  if (!store.ok()) return store.status().ToString();
  return scan(**store);
}

struct Child {
  pid_t pid = -1;
  int fd = -1;  // read end of the pipe the child writes its verdict to
};

Status Spawn(const std::string& dir, Scan scan, Child* child) {
  int fds[2];
  if (pipe(fds) != 0) return Status::IoError("pipe: " + std::string(strerror(errno)));
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Status::IoError("fork: " + std::string(strerror(errno)));
  }
  if (pid == 0) {
    close(fds[0]);
    std::string err = RunScan(dir, scan);
    if (!err.empty()) {
      (void)!write(fds[1], err.data(), err.size());
    }
    _exit(err.empty() ? 0 : 2);
  }
  close(fds[1]);
  *child = Child{pid, fds[0]};
  return Status::Ok();
}

// Waits for the child; Ok, or what it found (kCorruption), naming `dir`.
Status Await(const Child& child, const std::string& dir) {
  std::string msg;
  char buf[512];
  ssize_t n;
  while ((n = read(child.fd, buf, sizeof buf)) > 0) msg.append(buf, static_cast<size_t>(n));
  close(child.fd);
  int wstatus = 0;
  waitpid(child.pid, &wstatus, 0);
  const std::string advice =
      ". The files were left untouched; move " + dir +
      " aside (keep it for recovery) to start a fresh store with a new epoch.";
  if (WIFSIGNALED(wstatus)) {
    return Status::Corruption("store in " + dir + " is damaged: a full scan crashed with signal " +
                              std::to_string(WTERMSIG(wstatus)) + advice);
  }
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) return Status::Ok();
  return Status::Corruption("store in " + dir + " failed verification: " + msg + advice);
}

}  // namespace

Status Store::Verify(const std::string& dir) {
  std::error_code ec;
  auto data = std::filesystem::path(dir) / "data.mdb";
  // No file, or an empty one left by a crash before LMDB's first write: nothing to verify.
  if (!std::filesystem::exists(data, ec) || std::filesystem::file_size(data, ec) == 0) {
    return Status::Ok();
  }
  // Two children, one per half of the work: the daemon waits for the slower one only.
  Child punches, indexes;
  if (Status s = Spawn(dir, ScanPunches, &punches); !s.ok()) return s;
  Status spawned = Spawn(dir, ScanIndexes, &indexes);
  Status first = Await(punches, dir);
  if (!spawned.ok()) return spawned;
  Status second = Await(indexes, dir);
  return first.ok() ? second : first;
}

}  // namespace titip::storage
