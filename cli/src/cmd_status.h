// `titipctl status` in pieces: the facts (StatusView, gathered from the store, the daemon's
// runtime file and the config), the verdict that answers "did our punches reach Sengeti?", and
// its rendering as text (Bahasa Indonesia for office operators, English for admins) or JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace titip::cli {

enum class Lang { kId, kEn };

// What the operator should take away, most urgent first.
enum class Verdict {
  kStopped,       // the daemon is not running: nothing moves until it is restarted
  kStoreFull,     // intake stops soon or has stopped: an admin must act
  kWaitingLink,   // undelivered punches and no upstream reachable: safe, will resume
  kSending,       // undelivered punches and a link is up: on their way
  kAllDelivered,  // nothing undelivered
};
const char* VerdictName(Verdict v);  // "stopped", "store_full", ...

struct TerminalView {
  std::string serial;
  std::optional<bool> up;  // nullopt: no report yet (daemon stopped or never polled)
  std::optional<int64_t> clock_skew_s;
  std::optional<int64_t> last_contact_age_s;
  std::string last_error;
  std::string kind;  // from the config; "usb" terminals are never polled
};

struct UpstreamView {
  std::string id;
  std::string state;  // up | down | connecting | stopped
  bool active = false;
  uint64_t in_flight = 0;
  std::optional<int64_t> last_ack_age_s;
};

struct StatusView {
  std::string role;  // gateway | relay | aggregator | node (no config given)
  std::string node;
  std::string unit;
  bool daemon_running = false;
  uint64_t punches = 0, queued = 0, undelivered = 0, queued_bytes = 0;
  uint64_t store_used_bytes = 0, store_cap_bytes = 0;
  int64_t oldest_queued_age_s = 0;
  std::optional<int64_t> last_receipt_age_s;
  // No upstream up: seconds since one last acked (or since the last receipt when the daemon
  // has not heard an ack since it started); nullopt when unknown or a link is up.
  std::optional<int64_t> link_down_for_s;
  std::vector<TerminalView> terminals;
  std::vector<UpstreamView> upstreams;
  Verdict verdict = Verdict::kAllDelivered;
};

// Decides the verdict from the other fields (pure).
Verdict Decide(const StatusView& v);
// The one-sentence answer, in `lang`.
std::string Headline(const StatusView& v, Lang lang);
// Headline, blank line, then the detail; ANSI colours when `color`.
std::string RenderStatusText(const StatusView& v, Lang lang, bool color);
// `titipctl status --json`: the historical fields (role, node, daemon_running, queue, punches,
// last_receipt_age_s, message) plus verdict, lang, unit, terminals, link_down_for_s.
nlohmann::json StatusJson(const StatusView& v, const nlohmann::json& queue, Lang lang);

}  // namespace titip::cli
