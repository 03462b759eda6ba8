// Process control and polling for the multi-process tests.
#include "daemon_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "titip/common/clock.h"

namespace titip::testing {

std::string BinPath(const std::string& name) { return std::string(TITIP_BIN_DIR) + "/" + name; }

std::string MakeTempDir(const std::string& tag) {
  std::string tmpl = "/tmp/titip-" + tag + "-XXXXXX";
  char* d = mkdtemp(tmpl.data());
  return d ? std::string(d) : std::string();
}

void RemoveTree(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

int FreeTcpPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = {};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

std::string HttpRaw(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    (void)!send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    char buf[4096];
    pollfd p{fd, POLLIN, 0};
    while (poll(&p, 1, 5000) > 0) {
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return out;
}

std::string Body(const std::string& response) {
  size_t p = response.find("\r\n\r\n");
  return p == std::string::npos ? "" : response.substr(p + 4);
}

std::string ScrapeMetrics(int port) {
  return Body(HttpRaw(port, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
}

Process::~Process() {
  if (pid_ > 0 && Running()) {
    kill(pid_, SIGKILL);
    Wait(5000);
  }
}

Process Process::Start(const std::vector<std::string>& argv, const std::string& log_path) {
  Process p;
  p.pid_ = fork();
  if (p.pid_ == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return p;
}

void Process::Signal(int sig) const {
  if (pid_ > 0) kill(pid_, sig);
}

int Process::Wait(int timeout_ms) {
  int status = -1;
  bool done = WaitFor([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, timeout_ms);
  if (!done) return -1;
  pid_ = -1;
  return status;
}

bool Process::Running() {
  if (pid_ <= 0) return false;
  int status;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

RunResult Run(const std::vector<std::string>& argv) {
  std::string cmd;
  for (const auto& a : argv) cmd += "'" + a + "' ";
  RunResult r;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) r.out.append(buf, n);
  int status = pclose(f);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool WaitFor(const std::function<bool()>& pred, int timeout_ms) {
  Clock& clock = SystemClock::Instance();
  MonoTime deadline = clock.Mono() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (pred()) return true;
    if (clock.Mono() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

bool WaitForFrozen(const Process& p, const std::function<bool()>& pred, int timeout_ms) {
  return WaitFor(
      [&] {
        p.Signal(SIGCONT);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        p.Signal(SIGSTOP);
        return pred();
      },
      timeout_ms);
}

std::vector<nlohmann::json> Punches(const std::string& state_dir) {
  std::vector<nlohmann::json> out;
  RunResult r = Run({BinPath("titipctl"), "--state-dir", state_dir, "punches", "--json"});
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) out.push_back(j);
  }
  return out;
}

nlohmann::json Queue(const std::string& state_dir) {
  RunResult r = Run({BinPath("titipctl"), "--state-dir", state_dir, "queue", "--json"});
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

UniqueCounts CountUnique(const std::vector<nlohmann::json>& punches) {
  std::set<std::tuple<std::string, std::string, uint64_t>> ids;
  std::set<std::tuple<std::string, std::string, std::string, uint32_t>> natural;
  for (const auto& p : punches) {
    ids.insert(
        {p["origin"].get<std::string>(), p["epoch"].get<std::string>(), p["seq"].get<uint64_t>()});
    natural.insert({p["terminal"].get<std::string>(), p["pin"].get<std::string>(),
                    p["time"].get<std::string>(), p["verify"].get<uint32_t>()});
  }
  return {punches.size(), ids.size(), natural.size()};
}

}  // namespace titip::testing
