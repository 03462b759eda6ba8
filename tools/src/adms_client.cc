// The simulated push terminal's loop. Real-firmware habits kept on purpose: the same batch is
// re-sent until it gets an OK (after ErrorDelay), rows are never forgotten after an OK (so a
// DATA QUERY can re-send history), getrequest is polled every Delay seconds.
#include "titip/tools/adms_client.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <thread>
#include <vector>

#include "adms_http.h"
#include "titip/common/civil_time.h"
#include "titip/gateway/adms_protocol.h"

namespace titip::tools {
namespace {

using std::chrono::milliseconds;

std::string Line(const Punch& p) {
  // The 11-field MB10 form: PIN, time, status, verify, workcode, 5 reserved, sequence.
  return p.pin + "\t" + FormatCivil(p.time, ' ') + "\t" + std::to_string(p.status) + "\t" +
         std::to_string(p.verify) + "\t" + std::to_string(p.workcode) + "\t0\t0\t0\t0\t0\t" +
         std::to_string(p.device_id) + "\n";
}

// Reads "Key=Value" from the handshake reply; 0 when absent or not a number.
int OptionSeconds(const std::string& reply, const std::string& key) {
  size_t at = reply.find("\n" + key + "=");
  if (at == std::string::npos) return 0;
  return std::atoi(reply.c_str() + at + key.size() + 2);
}

class Terminal {
 public:
  Terminal(const AdmsClientOptions& o, const Clock& clock, std::vector<Punch> log)
      : o_(o), clock_(clock), log_(std::move(log)) {
    stats_.punches = log_.size();
    // Before the handshake names them: the overrides, else 200 ms (fast) or 10 s / 30 s.
    milliseconds d = o_.fast ? milliseconds(200) : delay_;
    milliseconds e = o_.fast ? milliseconds(200) : error_delay_;
    delay_ = o_.delay.count() ? o_.delay : d;
    error_delay_ = o_.error_delay.count() ? o_.error_delay : e;
  }

  AdmsClientStats Run(const std::atomic<bool>& stop) {
    MonoTime start = clock_.Mono();
    while (!stop) {
      if (!handshaken_ && !Handshake()) continue;
      double elapsed = std::chrono::duration<double>(clock_.Mono() - start).count();
      size_t released =
          o_.fast ? log_.size() : std::min(log_.size(), static_cast<size_t>(elapsed * o_.rate));
      bool posted = false;
      if (!resend_.empty()) {
        posted = true;
        if (Post(resend_.front())) {
          stats_.resent_rows += resend_.front().size();
          resend_.pop_front();
        }
      } else if (acked_ < released) {
        posted = true;
        size_t k = std::min(o_.batch, released - acked_);
        std::vector<Punch> batch(log_.begin() + acked_, log_.begin() + acked_ + k);
        if (Post(batch)) acked_ += k;
      }
      released_ = released;
      if (clock_.Mono() - last_poll_ >= delay_ || (!posted && last_poll_ == MonoTime{})) Poll();
      bool done = acked_ == log_.size() && resend_.empty();
      if (o_.exit_when_done && done && idle_polls_ >= 2) break;
      if (!posted) std::this_thread::sleep_for(std::min<milliseconds>(delay_, milliseconds(50)));
    }
    stats_.acked = acked_;
    return stats_;
  }

 private:
  std::string Target(const std::string& endpoint, const std::string& extra = "") {
    return "/iclock/" + endpoint + "?SN=" + o_.serial + extra;
  }
  void Backoff() { std::this_thread::sleep_for(error_delay_); }

  bool Handshake() {
    auto r = Call("GET", Target("cdata", "&options=all&pushver=2.2.14&language=73"), "");
    if (!r.ok || r.status != 200 || r.body.rfind("GET OPTION FROM:", 0) != 0) {
      if (r.ok) std::fprintf(stderr, "termsim adms: handshake refused: HTTP %d\n", r.status);
      Backoff();
      return false;
    }
    ++stats_.handshakes;
    if (!o_.fast) {
      int d = OptionSeconds(r.body, "Delay"), e = OptionSeconds(r.body, "ErrorDelay");
      delay_ = o_.delay.count() ? o_.delay : milliseconds(1000LL * std::clamp(d, 1, 60));
      error_delay_ =
          o_.error_delay.count() ? o_.error_delay : milliseconds(1000LL * std::clamp(e, 1, 300));
    }
    handshaken_ = true;
    return true;
  }

  bool Post(const std::vector<Punch>& batch) {
    std::string body;
    for (const auto& p : batch) body += Line(p);
    ++stats_.posts;
    auto r = Call("POST", Target("cdata", "&table=ATTLOG&Stamp=9999"), body);
    if (r.ok && r.status == 200 && gateway::IsOkReply(r.body)) return true;
    if (r.ok) {
      ++stats_.non_ok;
      std::fprintf(stderr, "termsim adms: upload of %zu rows not acknowledged: HTTP %d %.60s\n",
                   batch.size(), r.status, r.body.c_str());
    }
    Backoff();
    return false;
  }

  void Poll() {
    last_poll_ = clock_.Mono();
    auto r = Call("GET", Target("getrequest"), "");
    if (!r.ok || r.status != 200) {
      if (r.ok) std::fprintf(stderr, "termsim adms: getrequest: HTTP %d\n", r.status);
      idle_polls_ = 0;
      return;
    }
    auto cmds = gateway::ParseGetRequestReply(r.body);
    idle_polls_ = cmds.empty() ? idle_polls_ + 1 : 0;
    std::string replies;
    for (const auto& c : cmds) replies += Answer(c) + "\n";
    if (!replies.empty()) Call("POST", Target("devicecmd"), replies);
  }

  // DATA QUERY ATTLOG: queue the rows of that range for re-sending; -1 when none [S0X90].
  std::string Answer(const gateway::ServerCommand& c) {
    int64_t from = 0, to = 0;
    if (gateway::ParseDataQueryAttlog(c.command, &from, &to)) {
      ++stats_.queries;
      std::vector<Punch> rows;
      for (size_t i = 0; i < released_; ++i) {
        if (log_[i].time >= from && log_[i].time <= to) rows.push_back(log_[i]);
      }
      std::fprintf(stderr, "termsim adms: DATA QUERY %s: re-sending %zu rows\n",
                   c.command.c_str() + 18, rows.size());
      for (size_t i = 0; i < rows.size(); i += o_.batch) {
        size_t k = std::min(o_.batch, rows.size() - i);
        resend_.emplace_back(rows.begin() + i, rows.begin() + i + k);
      }
      return "ID=" + c.id + "&Return=" + (rows.empty() ? "-1" : "0") + "&CMD=DATA";
    }
    bool known = c.command == "CHECK" || c.command == "LOG" || c.command == "INFO";
    return "ID=" + c.id + "&Return=" + (known ? "0" : "-1002") +
           "&CMD=" + c.command.substr(0, c.command.find(' '));
  }

  HttpReply Call(const std::string& method, const std::string& target, const std::string& body) {
    HttpReply r = HttpCall(o_.host, o_.port, method, target, body, o_.timeout);
    if (!r.ok) {
      ++stats_.errors;
      if (stats_.errors % 20 == 1) {
        std::fprintf(stderr, "termsim adms: %s %s: %s\n", method.c_str(), target.c_str(),
                     r.error.c_str());
      }
    }
    return r;
  }

  const AdmsClientOptions& o_;
  const Clock& clock_;
  std::vector<Punch> log_;
  size_t acked_ = 0, released_ = 0;
  std::deque<std::vector<Punch>> resend_;
  bool handshaken_ = false;
  milliseconds delay_{10000}, error_delay_{30000};
  MonoTime last_poll_{};
  int idle_polls_ = 0;
  AdmsClientStats stats_;
};

}  // namespace

Result<AdmsClientStats> RunAdmsTerminal(const AdmsClientOptions& o, const Clock& clock,
                                        const std::atomic<bool>& stop) {
  if (o.serial.empty()) return Status::Invalid("--serial is required");
  if (o.batch < 1 || o.batch > 128) return Status::Invalid("batch must be 1..128");
  if (!o.fast && !(o.rate > 0)) return Status::Invalid("--rate must be > 0");
  std::vector<Punch> log;
  Status s = GenerateWorkload(o.workload, [&](const Punch& p) {
    log.push_back(p);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  Terminal t(o, clock, std::move(log));
  return t.Run(stop);
}

}  // namespace titip::tools
