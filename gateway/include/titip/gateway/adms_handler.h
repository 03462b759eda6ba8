// The ADMS push server's decisions, without sockets: a parsed HTTP request in, a reply out.
// Uploads are committed through the group committer and answered `OK: n` only from the commit
// callback, so an OK always means "on disk"; a refused or failed commit answers 503 and the
// terminal keeps its rows (SPEC §3). The HTTP glue (adms_server.cc) only moves bytes.
//
// Thread-safety: Handle may be called from any thread; `reply` runs either on the caller's
// thread or on the committer's writer thread, exactly once per request.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "titip/common/clock.h"
#include "titip/gateway/adms_protocol.h"
#include "titip/relay/services.h"
#include "titip/storage/group_commit.h"

namespace titip::gateway {

struct AdmsRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // "/iclock/cdata?SN=..."
  std::string body;
};

struct AdmsResponse {
  int status = 200;
  std::string body;
  std::string date;  // HTTP Date header value; empty = send none (clock not synced)
};

struct AdmsHandlerOptions {
  std::string unit;
  std::set<std::string> serials;  // [[terminal]] kind = "adms"; others are refused
  HandshakeOptions handshake;     // utc_offset_min also sets the gap-fill clock
  // A terminal silent this long may have had rows the gateway never saw (e.g. a gateway
  // restored from an older disk): its next getrequest gets a DATA QUERY again.
  std::chrono::seconds gap_fill_after_silence{1800};
  // Gap window when the store holds nothing from the terminal: a month covers any outage the
  // deadline monitor tolerates (3 days) many times over; dedupe absorbs the overlap.
  int gap_fill_default_days = 31;
  // Marked down after this much silence (3 missed polls at the default Delay=10).
  std::chrono::seconds down_after{60};
};

class AdmsHandler {
 public:
  using Reply = std::function<void(AdmsResponse)>;

  AdmsHandler(AdmsHandlerOptions options, storage::GroupCommitter& committer, storage::Store& store,
              const Clock& clock, relay::TerminalBoard& board);

  void Handle(const AdmsRequest& request, Reply reply);
  // Refusals decided before a request reached Handle (oversized body, bad HTTP).
  void CountRejected(const std::string& reason);
  // Marks terminals silent for down_after as down on the board; call every few seconds.
  void Tick();

  // Refuses new uploads (503) and waits until every submitted one has replied. After it
  // returns no callback refers to this handler any more.
  void Shutdown();

  // Counters: "rejected.<reason>" and "rows_added", "rows_duplicate", "uploads_ok",
  // "gap_queries", "ignored_tables", ...
  std::map<std::string, uint64_t> Counters() const;
  // Uploads submitted to the committer whose reply has not run yet.
  uint64_t InFlight() const;

 private:
  struct TerminalState {
    bool seen = false;
    bool gap_queried = false;
    MonoTime last_contact{};
    std::string attlog_stamp = "None";
    uint64_t next_cmd = 1;
  };

  void HandleHandshake(const IclockTarget& t, const Reply& reply);
  void HandleUpload(const IclockTarget& t, const std::string& body, const Reply& reply);
  void HandleGetRequest(const IclockTarget& t, const Reply& reply);
  void HandleDeviceCmd(const IclockTarget& t, const std::string& body, const Reply& reply);
  // Records contact; returns false (and replies 403) for a serial not in the config.
  bool Admit(const IclockTarget& t, const Reply& reply);
  std::string GapQueryCommand(const std::string& serial, TerminalState* st);
  AdmsResponse Text(int status, std::string body) const;
  void Count(const std::string& key, uint64_t n = 1);
  void Board(const std::string& serial, const std::string& error);

  AdmsHandlerOptions options_;
  storage::GroupCommitter& committer_;
  storage::Store& store_;
  const Clock& clock_;
  relay::TerminalBoard& board_;
  mutable std::mutex mu_;
  std::map<std::string, TerminalState> terminals_;
  std::map<std::string, uint64_t> counters_;
  std::map<std::string, MonoTime> unknown_logged_;  // rate-limits the unknown-serial log line
  uint64_t in_flight_ = 0;
  bool stopping_ = false;
  std::condition_variable idle_;
};

}  // namespace titip::gateway
