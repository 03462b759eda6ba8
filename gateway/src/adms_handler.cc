// ADMS request handling: handshake, ATTLOG upload (ack after commit), getrequest with the
// gap-fill DATA QUERY, devicecmd, ping. See adms_handler.h for the contract.
#include "titip/gateway/adms_handler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "titip/gateway/adms_attlog.h"
#include "titip/gateway/attlog_import.h"

namespace titip::gateway {

AdmsHandler::AdmsHandler(AdmsHandlerOptions options, storage::GroupCommitter& committer,
                         storage::Store& store, const Clock& clock, relay::TerminalBoard& board)
    : options_(std::move(options)),
      committer_(committer),
      store_(store),
      clock_(clock),
      board_(board) {}

AdmsResponse AdmsHandler::Text(int status, std::string body) const {
  AdmsResponse r;
  r.status = status;
  r.body = std::move(body);
  // Terminals set their clock from Date (§2). A gateway that booted without NTP must not
  // drag the terminal's clock, and with it every punch time, to its own wrong time.
  if (clock_.WallSynced()) r.date = HttpDate(clock_.Wall().count());
  return r;
}

void AdmsHandler::Count(const std::string& key, uint64_t n) {
  std::lock_guard<std::mutex> l(mu_);
  counters_[key] += n;
}

void AdmsHandler::CountRejected(const std::string& reason) { Count("rejected." + reason); }

std::map<std::string, uint64_t> AdmsHandler::Counters() const {
  std::lock_guard<std::mutex> l(mu_);
  return counters_;
}

uint64_t AdmsHandler::InFlight() const {
  std::lock_guard<std::mutex> l(mu_);
  return in_flight_;
}

void AdmsHandler::Board(const std::string& serial, const std::string& error) {
  int64_t now = clock_.Wall().count();
  board_.Update(serial, [&](relay::TerminalBoard::Entry& e) {
    e.up = true;
    e.last_contact_ms = now;
    e.last_error = error;
  });
}

void AdmsHandler::Tick() {
  MonoTime now = clock_.Mono();
  std::vector<std::string> down;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [serial, st] : terminals_) {
      if (st.seen && now - st.last_contact > options_.down_after) down.push_back(serial);
    }
  }
  for (const auto& s : down) board_.Update(s, [](relay::TerminalBoard::Entry& e) { e.up = false; });
}

void AdmsHandler::Shutdown() {
  std::unique_lock<std::mutex> l(mu_);
  stopping_ = true;
  // The committer outlives the services and runs every submitted op, so this ends; the
  // callbacks hold `this`, which must stay alive until they have run.
  idle_.wait(l, [&] { return in_flight_ == 0; });
}

void AdmsHandler::Handle(const AdmsRequest& req, Reply reply) {
  auto target = ParseIclockTarget(req.target);
  if (!target.ok()) {
    CountRejected("bad_target");
    spdlog::warn("adms: refused {} request: {}", req.method, target.status().message());
    reply(Text(400, "ERROR: " + target.status().message() + "\n"));
    return;
  }
  const IclockTarget& t = *target;
  if (t.endpoint == "registry" || t.endpoint == "push" || t.endpoint == "exchange") {
    // Security-PUSH 3.x / encryption: out of scope; say so once per request so the installer
    // can switch the terminal to plain ADMS.
    CountRejected("unsupported_endpoint");
    spdlog::warn("adms: terminal {} uses /iclock/{} (Security PUSH or encryption), unsupported",
                 t.sn, t.endpoint);
    reply(Text(404, "ERROR: unsupported\n"));
    return;
  }
  if (!Admit(t, reply)) return;
  if (t.endpoint == "cdata" && req.method == "GET") return HandleHandshake(t, reply);
  if (t.endpoint == "cdata" && req.method == "POST") return HandleUpload(t, req.body, reply);
  if (t.endpoint == "getrequest") return HandleGetRequest(t, reply);
  if (t.endpoint == "devicecmd" && req.method == "POST") {
    return HandleDeviceCmd(t, req.body, reply);
  }
  if (t.endpoint == "ping") {
    Board(t.sn, "");
    return reply(Text(200, "OK\n"));
  }
  CountRejected("unsupported_endpoint");
  spdlog::warn("adms: terminal {}: unsupported {} /iclock/{}", t.sn, req.method, t.endpoint);
  reply(Text(404, "ERROR: unsupported\n"));
}

bool AdmsHandler::Admit(const IclockTarget& t, const Reply& reply) {
  if (options_.serials.count(t.sn)) {
    std::lock_guard<std::mutex> l(mu_);
    TerminalState& st = terminals_[t.sn];
    MonoTime now = clock_.Mono();
    if (st.seen && now - st.last_contact > options_.gap_fill_after_silence) {
      st.gap_queried = false;
    }
    st.seen = true;
    st.last_contact = now;
    return true;
  }
  bool log = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    ++counters_["rejected.unknown_serial"];
    MonoTime now = clock_.Mono();
    auto it = unknown_logged_.find(t.sn);
    if (it == unknown_logged_.end() || now - it->second > std::chrono::minutes(10)) {
      // Bounded: a scanner cycling serials cannot grow this without limit.
      if (unknown_logged_.size() > 256) unknown_logged_.clear();
      unknown_logged_[t.sn] = now;
      log = true;
    }
  }
  if (log) {
    spdlog::warn(
        "adms: refused terminal {}: serial not in the config (add a [[terminal]] with kind "
        "\"adms\")",
        t.sn);
  }
  reply(Text(403, "ERROR: unknown serial\n"));
  return false;
}

void AdmsHandler::HandleHandshake(const IclockTarget& t, const Reply& reply) {
  HandshakeOptions o = options_.handshake;
  {
    std::lock_guard<std::mutex> l(mu_);
    o.attlog_stamp = terminals_[t.sn].attlog_stamp;
  }
  Count("handshakes");
  Board(t.sn, "");
  spdlog::info("adms: handshake from terminal {} (pushver {})", t.sn,
               t.params.count("pushver") ? t.params.at("pushver") : "?");
  reply(Text(200, HandshakeReply(t.sn, o)));
}

void AdmsHandler::HandleUpload(const IclockTarget& t, const std::string& body, const Reply& reply) {
  if (t.table == "options") return reply(Text(200, "OK\n"));
  AdmsAttlogParser parser;
  std::vector<AttlogRecord> records;
  if (t.table != "ATTLOG") {
    // OPERLOG, ATTPHOTO, BIODATA...: accepted so the terminal moves on, never stored.
    parser.Feed(body, &records);
    parser.Finish(&records);
    Count("ignored_tables");
    return reply(Text(200, "OK: " + std::to_string(parser.lines()) + "\n"));
  }
  parser.Feed(body, &records);
  parser.Finish(&records);
  uint64_t lines = parser.lines();
  if (parser.garbage_count() > 0) {
    Count("rejected.bad_line", parser.garbage_count());
    const auto& is = parser.issues();
    spdlog::warn("adms: terminal {}: {} unreadable ATTLOG line(s), first: line {}: {}", t.sn,
                 parser.garbage_count(), is.empty() ? 0 : is[0].line,
                 is.empty() ? "" : is[0].reason);
  }
  Board(t.sn, "");
  if (records.empty()) return reply(Text(200, "OK: " + std::to_string(lines) + "\n"));
  auto punches = std::make_shared<std::vector<wire::Punch>>();
  punches->reserve(records.size());
  const ReceivedAt at = ReceivedAt::Now(clock_);
  for (const auto& r : records) {
    punches->push_back(RecordToPunch(r, t.sn, options_.unit, options_.handshake.utc_offset_min,
                                     wire::SOURCE_ADMS, at));
  }
  auto outcome = std::make_shared<storage::IntakeOutcome>();
  storage::WriteOp op;
  op.intake = true;
  op.size_hint = body.size();
  op.apply = [punches, outcome](storage::WriteTxn& txn) {
    *outcome = {};
    return txn.AppendLocal(punches.get(), outcome.get());
  };
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_) return reply(Text(503, "ERROR: gateway stopping\n"));
    ++in_flight_;
  }
  std::string serial = t.sn, stamp = t.stamp;
  committer_.Submit(std::move(op), [this, reply, outcome, serial, stamp, lines](Status s) {
    AdmsResponse r;
    if (s.ok()) {
      std::lock_guard<std::mutex> l(mu_);
      counters_["rows_added"] += outcome->added;
      counters_["rows_duplicate"] += outcome->duplicates;
      counters_["rows_rejected"] += outcome->rejected;
      ++counters_["uploads_ok"];
      if (!stamp.empty()) terminals_[serial].attlog_stamp = stamp;
    } else {
      bool full = s.code() == Code::kStoreFull;
      Count(full ? "rejected.store_full" : "rejected.store_error");
      spdlog::warn("adms: terminal {}: upload of {} line(s) refused, the terminal keeps them: {}",
                   serial, lines, s.ToString());
      Board(serial, full ? "store full" : "store error");
    }
    // n counts every line the gateway answers for: stored, already stored, or unreadable
    // (logged and counted above; a re-send would not make it readable).
    r = s.ok() ? Text(200, "OK: " + std::to_string(lines) + "\n")
               : Text(503, s.code() == Code::kStoreFull ? "ERROR: store full\n"
                                                        : "ERROR: store error\n");
    reply(std::move(r));
    std::lock_guard<std::mutex> l(mu_);
    if (--in_flight_ == 0) idle_.notify_all();
  });
}

void AdmsHandler::HandleGetRequest(const IclockTarget& t, const Reply& reply) {
  std::string cmd;
  {
    std::lock_guard<std::mutex> l(mu_);
    TerminalState& st = terminals_[t.sn];
    if (!st.gap_queried) {
      st.gap_queried = true;
      cmd = "pending";
    }
  }
  Board(t.sn, "");
  if (cmd.empty()) return reply(Text(200, "OK\n"));
  TerminalState* st;
  {
    std::lock_guard<std::mutex> l(mu_);
    st = &terminals_[t.sn];  // std::map nodes are stable
  }
  cmd = GapQueryCommand(t.sn, st);
  Count("gap_queries");
  spdlog::info("adms: terminal {}: asking for a re-send: {}", t.sn, cmd);
  reply(Text(200, cmd + "\n"));
}

// Window: from an hour before the newest punch the store holds from this terminal (an hour
// absorbs rows that reach the terminal's log out of order) up to a day past the gateway's
// local now (absorbs a terminal clock running ahead). Without any stored punch: the last
// gap_fill_default_days. Times are the terminal's local time, like the rows it will send.
std::string AdmsHandler::GapQueryCommand(const std::string& serial, TerminalState* st) {
  int64_t newest = -1;
  Status s = store_.ForEachPunch([&](const wire::Punch& p, storage::PunchState) {
    if (p.terminal() == serial) newest = std::max<int64_t>(newest, p.device_time());
    return true;
  });
  if (!s.ok()) spdlog::warn("adms: cannot read the store for the gap window: {}", s.ToString());
  int64_t local_now = clock_.Wall().count() / 1000 + options_.handshake.utc_offset_min * 60LL;
  int64_t start =
      newest >= 0 ? newest - 3600 : local_now - options_.gap_fill_default_days * 86400LL;
  int64_t end = std::max(local_now, newest) + 86400;
  uint64_t n;
  {
    std::lock_guard<std::mutex> l(mu_);
    n = st->next_cmd++;
  }
  // Unique across gateway restarts, so a late devicecmd reply is never matched to a new one.
  std::string id = std::to_string(clock_.Wall().count() / 1000 % 100000000) + std::to_string(n);
  return DataQueryAttlogCommand(id, std::max<int64_t>(start, 0), end);
}

void AdmsHandler::HandleDeviceCmd(const IclockTarget& t, const std::string& body,
                                  const Reply& reply) {
  for (const auto& r : ParseDeviceCmdBody(body)) {
    // -1 after DATA QUERY means "no rows in that range" [S0X90]: not an error.
    spdlog::info("adms: terminal {} ran command {} ({}): Return={}", t.sn, r.id, r.cmd,
                 r.return_code);
    Count("command_replies");
  }
  Board(t.sn, "");
  reply(Text(200, "OK\n"));
}

}  // namespace titip::gateway
