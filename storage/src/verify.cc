// Full scan of a store in a child process. LMDB trusts its pages: a damaged branch page can
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

// Runs in the child: returns an empty string when every record decodes.
std::string ScanAll(const std::string& dir) {
  static ManualClock clock;
  StoreOptions o;
  o.dir = dir;
  o.read_only = true;
  auto store = Store::Open(o, clock);
  if (!store.ok()) return store.status().ToString();
  uint64_t n = 0;
  Status s = (*store)->ForEachPunch([&](const wire::Punch& p, PunchState) {
    if (!ValidatePunchFields(p).ok()) return false;
    ++n;
    return true;
  });
  if (!s.ok()) return s.ToString();
  if (Status d = (*store)->CheckDayIndex(); !d.ok()) return d.ToString();
  auto c = (*store)->GetCounters();
  if (!c.ok()) return c.status().ToString();
  if (c->punches < n) return "punch count does not match its table";
  auto q = (*store)->CheckQueue();  // bodies were parsed above: only the links are checked
  if (!q.ok()) return q.status().ToString();
  if (*q != c->queued) return "queue count does not match its table";
  return {};
}

}  // namespace

Status Store::Verify(const std::string& dir) {
  std::error_code ec;
  auto data = std::filesystem::path(dir) / "data.mdb";
  // No file, or an empty one left by a crash before LMDB's first write: nothing to verify.
  if (!std::filesystem::exists(data, ec) || std::filesystem::file_size(data, ec) == 0) {
    return Status::Ok();
  }
  int fds[2];
  if (pipe(fds) != 0) return Status::IoError("pipe: " + std::string(strerror(errno)));
  pid_t pid = fork();
  if (pid < 0) return Status::IoError("fork: " + std::string(strerror(errno)));
  if (pid == 0) {
    close(fds[0]);
    std::string err = ScanAll(dir);
    if (!err.empty()) {
      (void)!write(fds[1], err.data(), err.size());
    }
    _exit(err.empty() ? 0 : 2);
  }
  close(fds[1]);
  std::string msg;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) msg.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
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

}  // namespace titip::storage
