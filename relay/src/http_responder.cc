// The small HTTP responder behind /metrics and the status board (see http_responder.h for its
// limits). Plain POSIX sockets and poll(): one listening socket, one connection at a time,
// every read and write under a deadline.
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "titip/common/clock.h"
#include "titip/relay/http_responder.h"

namespace titip::relay {
namespace {

constexpr size_t kMaxRequestBytes = 8192;
constexpr int kIoTimeoutMs = 2000;

// Waits for `events` on fd; false on timeout or error.
bool WaitFd(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  int r;
  do r = poll(&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  return r > 0 && (p.revents & events);
}

bool SendAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    if (!WaitFd(fd, POLLOUT, kIoTimeoutMs)) return false;
    ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

std::string Response(const std::string& status, const std::string& type, const std::string& body,
                     bool head, const std::string& extra_headers = "") {
  std::string r = "HTTP/1.1 " + status + "\r\nContent-Type: " + type +
                  "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers +
                  "Connection: close\r\n\r\n";
  if (!head) r += body;
  return r;
}

Result<int> Bind(const std::string& host_port, const std::string& what, int* port) {
  size_t colon = host_port.rfind(':');
  if (colon == std::string::npos) return Status::Invalid(what + " listen: no port");
  std::string host = host_port.substr(0, colon), service = host_port.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  int gai = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &res);
  if (gai != 0)
    return Status::Unavailable(what + " listen " + host_port + ": " + gai_strerror(gai));
  std::string last_error = "no address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 16) == 0) {
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
      *port = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                             : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
      freeaddrinfo(res);
      return fd;
    }
    last_error = std::strerror(errno);
    close(fd);
  }
  freeaddrinfo(res);
  return Status::Unavailable("cannot bind " + what + " listen " + host_port + ": " + last_error);
}

}  // namespace

Result<std::unique_ptr<HttpResponder>> HttpResponder::Start(const std::string& host_port,
                                                            HttpHandler handler,
                                                            const std::string& what) {
  int port = 0;
  auto fd = Bind(host_port, what, &port);
  if (!fd.ok()) return fd.status();
  int stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  std::unique_ptr<HttpResponder> s(new HttpResponder(*fd, stop_fd, port, std::move(handler)));
  s->thread_ = std::thread([p = s.get()] { p->Serve(); });
  return s;
}

HttpResponder::HttpResponder(int listen_fd, int stop_fd, int port, HttpHandler handler)
    : listen_fd_(listen_fd), stop_fd_(stop_fd), port_(port), handler_(std::move(handler)) {}

HttpResponder::~HttpResponder() {
  uint64_t one = 1;
  (void)!write(stop_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  close(listen_fd_);
  close(stop_fd_);
}

void HttpResponder::Serve() {
  for (;;) {
    pollfd p[2] = {{stop_fd_, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("http: poll: {}", std::strerror(errno));
      return;
    }
    if (p[0].revents) return;
    if (!(p[1].revents & POLLIN)) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;  // EMFILE, ECONNABORTED...: the next scrape retries
    HandleConnection(fd);
    close(fd);
  }
}

void HttpResponder::HandleConnection(int fd) {
  std::string req;
  char buf[2048];
  // One deadline for the whole request: a client trickling a byte at a time must not hold
  // the (only) connection slot longer than kIoTimeoutMs.
  const Clock& clock = SystemClock::Instance();
  const MonoTime deadline = clock.Mono() + std::chrono::milliseconds(kIoTimeoutMs);
  auto left_ms = [&] {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.Mono());
    return static_cast<int>(std::max<int64_t>(0, left.count()));
  };
  while (req.find("\r\n\r\n") == std::string::npos) {
    if (req.size() >= kMaxRequestBytes || !WaitFd(fd, POLLIN, left_ms())) {
      ++bad_requests_;
      if (req.size() >= kMaxRequestBytes) {
        (void)SendAll(fd, Response("431 Request Header Fields Too Large", "text/plain",
                                   "request too large\n", false));
      }
      return;
    }
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (!req.empty()) ++bad_requests_;
      return;
    }
    req.append(buf, static_cast<size_t>(n));
  }
  // Request line: METHOD SP TARGET SP HTTP/1.x
  std::string line = req.substr(0, req.find("\r\n"));
  size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  if (sp1 == std::string::npos || sp2 == sp1 || line.compare(sp2 + 1, 7, "HTTP/1.") != 0) {
    ++bad_requests_;
    (void)SendAll(fd, Response("400 Bad Request", "text/plain", "bad request\n", false));
    return;
  }
  std::string method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  bool head = method == "HEAD";
  if (method != "GET" && !head) {
    (void)SendAll(fd, Response("405 Method Not Allowed", "text/plain", "GET only\n", false));
    return;
  }
  HttpReply reply = handler_(target.substr(0, target.find('?')));
  (void)SendAll(fd,
                Response(reply.status, reply.content_type, reply.body, head, reply.extra_headers));
}

}  // namespace titip::relay
