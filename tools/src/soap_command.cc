// `titip-termsim soap --listen HOST:PORT --serial SN --users N --days D --seed S`: a Solution
// X100-C style SOAP terminal. Answers POST /iWsService GetAttLog with its whole log, with the
// quirks of §3: HTTP/1.0, charset iso8859-1, one <Row> per CRLF line, connection closed after
// the body. Any comm key other than --comm-key gets an empty response (the real reply to a
// wrong key is unverified).
#include <utility>  // before Boost.Asio (Boost 1.74 + g++ 12)

#include "soap_command.h"

#include <boost/asio.hpp>
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>

#include "titip/common/civil_time.h"
#include "titip/tools/workload.h"

namespace titip::tools {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::atomic<bool> g_soap_stop{false};
void OnSoapSignal(int) { g_soap_stop = true; }

struct SoapArgs {
  std::string listen, serial, start;
  uint32_t comm_key = 0;
  WorkloadOptions workload;
};

std::string Reply(const std::vector<Punch>& log, bool key_ok) {
  std::string body =
      "<?xml version=\"1.0\" encoding=\"iso8859-1\" standalone=\"no\"?>\n"
      "<GetAttLogResponse>\r\n";
  if (key_ok) {
    for (const auto& p : log) {
      body += "<Row><PIN>" + p.pin + "</PIN><DateTime>" + FormatCivil(p.time, ' ') +
              "</DateTime><Verified>" + std::to_string(p.verify) + "</Verified><Status>" +
              std::to_string(p.status) + "</Status><WorkCode>" + std::to_string(p.workcode) +
              "</WorkCode></Row>\r\n";
    }
  }
  body += "</GetAttLogResponse>";
  return "HTTP/1.0 200 OK\r\nServer: ZK Web Server\r\nPragma: no-cache\r\n"
         "Content-Type: text/xml; charset=iso8859-1\r\n\r\n" +
         body;
}

// Reads the request: headers and Content-Length bytes (the trailing CRLF is tolerated).
std::string ReadRequest(tcp::socket& s) {
  std::string req;
  char buf[4096];
  for (;;) {
    boost::system::error_code ec;
    size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec) return req;
    req.append(buf, n);
    size_t end = req.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    size_t cl = req.find("Content-Length:");
    size_t len = cl == std::string::npos ? 0 : std::strtoul(req.c_str() + cl + 15, nullptr, 10);
    if (req.size() >= end + 4 + len || req.size() > (1 << 20)) return req;
  }
}

int Run(SoapArgs a) {
  auto start = a.start.empty() ? std::optional<int64_t>(0) : ParseCivilDate(a.start);
  if (!start) return 2;
  if (a.start.empty()) {
    int64_t local = SystemClock::Instance().Wall().count() / 1000 + 7 * 3600;
    int64_t day = local / 86400 * 86400;
    *start = day - ((CivilWeekday(day) + 6) % 7) * 86400 - 7 * 86400;  // Monday of last week
  }
  a.workload.start_day = *start;
  std::vector<Punch> log;
  Status s = GenerateWorkload(a.workload, [&](const Punch& p) {
    log.push_back(p);
    return Status::Ok();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "titip-termsim: %s\n", s.ToString().c_str());
    return 2;
  }
  size_t colon = a.listen.rfind(':');
  asio::io_context ioc;
  tcp::acceptor acc(ioc);
  try {
    tcp::endpoint ep(asio::ip::make_address(a.listen.substr(0, colon)),
                     static_cast<uint16_t>(std::stoi(a.listen.substr(colon + 1))));
    acc.open(ep.protocol());
    acc.set_option(asio::socket_base::reuse_address(true));
    acc.bind(ep);
    acc.listen();
    acc.non_blocking(true);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "titip-termsim: cannot listen on %s: %s\n", a.listen.c_str(), e.what());
    return 1;
  }
  std::signal(SIGINT, OnSoapSignal);
  std::signal(SIGTERM, OnSoapSignal);
  std::signal(SIGPIPE, SIG_IGN);
  std::printf("soap terminal %s on %s with %zu punches\n", a.serial.c_str(), a.listen.c_str(),
              log.size());
  std::fflush(stdout);
  uint64_t served = 0;
  while (!g_soap_stop) {
    boost::system::error_code ec;
    tcp::socket sock(ioc);
    acc.accept(sock, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (ec) continue;
    sock.non_blocking(false);
    std::string req = ReadRequest(sock);
    std::string out;
    if (req.find("<GetAttLog>") == std::string::npos) {
      out = "HTTP/1.0 400 Bad Request\r\n\r\n";
    } else {
      std::string key = "<ArgComKey";
      size_t at = req.find('>', req.find(key));
      bool key_ok =
          at != std::string::npos && std::strtoul(req.c_str() + at + 1, nullptr, 10) == a.comm_key;
      out = Reply(log, key_ok);
      ++served;
    }
    asio::write(sock, asio::buffer(out), ec);
    sock.shutdown(tcp::socket::shutdown_both, ec);  // clients read until EOF
  }
  std::printf("{\"serial\":\"%s\",\"punches\":%zu,\"served\":%llu}\n", a.serial.c_str(), log.size(),
              static_cast<unsigned long long>(served));
  return 0;
}

}  // namespace

void RegisterSoapCommand(CLI::App& app, int* rc) {
  auto a = std::make_shared<SoapArgs>();
  CLI::App* sub = app.add_subcommand("soap", "a SOAP (iWsService) terminal: GetAttLog");
  sub->add_option("--listen", a->listen, "HOST:PORT to serve on")->required();
  sub->add_option("--serial", a->serial, "terminal serial number")->required();
  sub->add_option("--users", a->workload.users, "number of people")
      ->required()
      ->check(CLI::Range(uint32_t{1}, kMaxUsers));
  sub->add_option("--days", a->workload.days, "calendar days of history")
      ->required()
      ->check(CLI::Range(uint32_t{1}, kMaxDays));
  sub->add_option("--seed", a->workload.seed, "same seed, same punches")->required();
  sub->add_option("--start", a->start, "first day YYYY-MM-DD (default: Monday of last week)");
  sub->add_option("--comm-key", a->comm_key, "ArgComKey the terminal expects")
      ->capture_default_str();
  sub->add_option("--clock-drift-s", a->workload.clock_drift_s, "seconds added to every punch")
      ->capture_default_str();
  sub->callback([a, rc] { *rc = Run(*a); });
}

}  // namespace titip::tools
