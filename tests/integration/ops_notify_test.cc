// systemd's Type=notify protocol, without systemd: the test binds the unix datagram socket
// that $NOTIFY_SOCKET names, starts a real daemon and reads what it says: READY=1 only once
// its listen socket accepts connections, WATCHDOG=1 about once a second when WATCHDOG_USEC is
// set (and never when it is not), STOPPING=1 on SIGTERM.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon_harness.h"

namespace titip::testing {
namespace {

class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~NotifySocket() {
    close(fd_);
    unlink(path_.c_str());
  }
  bool bound() const { return bound_; }
  // Next datagram within timeout_ms, or "" on timeout.
  std::string Next(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return "";
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }
  // Waits for a datagram containing `line` (as a whole line); collects what passed by.
  bool WaitLine(const std::string& line, int timeout_ms, std::vector<std::string>* seen) {
    for (int waited = 0; waited < timeout_ms; waited += 100) {
      std::string m = Next(100);
      if (m.empty()) continue;
      seen->push_back(m);
      if (("\n" + m + "\n").find("\n" + line + "\n") != std::string::npos) return true;
    }
    return false;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

bool CanConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

struct Daemon {
  std::string dir;
  int port = 0;
  Process proc;
};

Daemon StartAggregator(const std::string& tag, const std::string& notify_path,
                       const char* watchdog_usec) {
  std::string dir = MakeTempDir(tag);
  int port = FreeTcpPort();
  WriteFile(dir + "/agg.toml", "[node]\nid = \"bkpsdm\"\nstate_dir = \"" + dir +
                                   "/state\"\nlisten = \"tcp://127.0.0.1:" + std::to_string(port) +
                                   "\"\n");
  // The child inherits the environment at fork; nothing else in this process reads it.
  setenv("NOTIFY_SOCKET", notify_path.c_str(), 1);
  if (watchdog_usec) setenv("WATCHDOG_USEC", watchdog_usec, 1);
  Daemon d{dir, port,
           Process::Start({BinPath("titip-aggregator"), "--config", dir + "/agg.toml"},
                          dir + "/agg.log")};
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  return d;
}

TEST(OpsNotify, ReadyAfterBindWatchdogWhileRunningStoppingOnTerm) {
  std::string sock_dir = MakeTempDir("notify");
  NotifySocket ns(sock_dir + "/notify.sock");
  ASSERT_TRUE(ns.bound());
  Daemon d = StartAggregator("notify-wd", sock_dir + "/notify.sock", "2000000");
  std::vector<std::string> seen;
  ASSERT_TRUE(ns.WaitLine("READY=1", 20000, &seen)) << ReadFile(d.dir + "/agg.log");
  // READY=1 promises the listen socket is bound: a connection must succeed right now.
  EXPECT_TRUE(CanConnect(d.port));
  // Pings come from the loop's once-a-second housekeeping: at least 2 within 3.5 s.
  int pings = 0;
  for (int i = 0; i < 35 && pings < 2; ++i) {
    if (ns.Next(100) == "WATCHDOG=1") ++pings;
  }
  EXPECT_GE(pings, 2);
  d.proc.Signal(SIGTERM);
  seen.clear();
  EXPECT_TRUE(ns.WaitLine("STOPPING=1", 10000, &seen));
  int status = d.proc.Wait(10000);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  RemoveTree(d.dir);
  RemoveTree(sock_dir);
}

TEST(OpsNotify, NoWatchdogPingsUnlessAsked) {
  std::string sock_dir = MakeTempDir("notify");
  NotifySocket ns(sock_dir + "/notify.sock");
  ASSERT_TRUE(ns.bound());
  Daemon d = StartAggregator("notify-nowd", sock_dir + "/notify.sock", nullptr);
  std::vector<std::string> seen;
  ASSERT_TRUE(ns.WaitLine("READY=1", 20000, &seen)) << ReadFile(d.dir + "/agg.log");
  seen.clear();
  EXPECT_FALSE(ns.WaitLine("WATCHDOG=1", 1500, &seen));
  d.proc.Signal(SIGTERM);
  EXPECT_GE(d.proc.Wait(10000), 0);
  RemoveTree(d.dir);
  RemoveTree(sock_dir);
}

}  // namespace
}  // namespace titip::testing
