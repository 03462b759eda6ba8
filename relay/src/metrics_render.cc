// Renders a MetricsSnapshot as Prometheus text format 0.0.4. Every family is written with
// HELP and TYPE even when it has no sample yet (no terminal, no upstream), so dashboards and
// alerts can be written against a stable set of names.
#include <cstdio>
#include <sstream>

#include "titip/relay/metrics.h"

namespace titip::relay {
namespace {

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

class Writer {
 public:
  void Family(const char* name, const char* type, const char* help) {
    name_ = name;
    out_ << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
  }
  // Precondition: labels are pairs {name, value}.
  void Sample(double v, const std::vector<std::pair<std::string, std::string>>& labels = {}) {
    out_ << name_;
    if (!labels.empty()) {
      out_ << "{";
      for (size_t i = 0; i < labels.size(); ++i) {
        out_ << (i ? "," : "") << labels[i].first << "=\"" << EscapeLabel(labels[i].second) << "\"";
      }
      out_ << "}";
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, " %.17g\n", v);
    out_ << buf;
  }
  void One(const char* name, const char* type, const char* help, double v) {
    Family(name, type, help);
    Sample(v);
  }
  std::string Take() { return out_.str(); }

 private:
  std::string name_;
  std::ostringstream out_;
};

void StoreFamilies(Writer& w, const MetricsSnapshot& s) {
  const storage::Counters& c = s.store;
  w.One("titip_store_ok", "gauge", "1 when the store counters could be read this second",
        s.store_ok);
  w.One("titip_punches_stored", "gauge", "Punch records in this node's store (any state)",
        static_cast<double>(c.punches));
  w.One("titip_punches_queued", "gauge", "Punches not yet in custody upstream",
        static_cast<double>(c.queued));
  w.One("titip_punches_undelivered", "gauge", "Own punches without the aggregator's receipt yet",
        static_cast<double>(c.undelivered));
  double oldest =
      c.oldest_queued_ms ? std::max<int64_t>(0, s.wall_ms - c.oldest_queued_ms) / 1e3 : 0.0;
  w.One("titip_oldest_queued_age_seconds", "gauge", "Age of the oldest queued punch (0 when none)",
        oldest);
  w.One("titip_queued_bytes", "gauge", "Encoded size of the queued punches",
        static_cast<double>(c.queued_bytes));
  w.One("titip_store_used_bytes", "gauge", "High-water mark of the store's data file",
        static_cast<double>(c.map_used_bytes));
  w.One("titip_store_map_bytes", "gauge", "Current LMDB map size",
        static_cast<double>(c.map_size_bytes));
  w.One("titip_store_cap_bytes", "gauge", "Map size cap; intake stops when it is reached",
        static_cast<double>(c.map_cap_bytes));
  w.One("titip_store_map_use_ratio", "gauge", "Used bytes over the cap (pruning starts at 0.5)",
        c.map_cap_bytes ? static_cast<double>(c.map_used_bytes) / c.map_cap_bytes : 0.0);
  w.One("titip_last_receipt_age_seconds", "gauge",
        "Origin: seconds since a receipt last advanced (-1 never)",
        c.last_receipt_ms ? std::max<int64_t>(0, s.wall_ms - c.last_receipt_ms) / 1e3 : -1.0);
  w.One("titip_store_commits_total", "counter", "Group commits since start",
        static_cast<double>(s.commits.commits));
  w.One("titip_store_write_ops_failed_total", "counter", "Store write operations that failed",
        static_cast<double>(s.commits.failed_ops));
}

void EngineFamilies(Writer& w, const MetricsSnapshot& s) {
  const EngineCounters& e = s.engine;
  struct C {
    const char* name;
    const char* help;
    uint64_t v;
  };
  const C counters[] = {
      {"titip_bundles_sent_total", "Bundles sent upstream (first sends)", e.bundles_sent},
      {"titip_bundles_retried_total", "Bundle retransmissions", e.bundles_retried},
      {"titip_bundles_acked_total", "Bundles the upstream acknowledged", e.bundles_acked},
      {"titip_bundles_received_total", "Bundles received from downstream", e.bundles_received},
      {"titip_punches_acked_total", "Punches taken into custody upstream", e.punches_acked},
      {"titip_punches_accepted_total", "Punches accepted from downstream", e.punches_accepted},
      {"titip_punches_duplicate_total", "Punches received again and deduplicated",
       e.punches_duplicate},
      {"titip_receipts_received_total", "Receipts from the aggregator", e.receipts_received},
      {"titip_failovers_total", "Moves of traffic to another upstream", e.failovers},
      {"titip_requeues_total", "Re-offers of punches whose receipt was overdue", e.requeues},
      {"titip_telemetry_forwarded_total", "Telemetry records passed upstream",
       e.telemetry_forwarded},
      {"titip_punches_quarantined_total",
       "Punches that failed origin verification, kept in quarantine (titipctl quarantine)",
       e.punches_quarantined},
      {"titip_seals_sent_total", "Origin seals sent upstream with bundles", e.seals_sent},
      {"titip_frames_received_total", "ZeroMQ frames received", s.loop.frames_in},
      {"titip_frames_sent_total", "ZeroMQ frames sent", s.loop.frames_out},
  };
  for (const C& c : counters) w.One(c.name, "counter", c.help, static_cast<double>(c.v));
  w.Family("titip_bundles_refused_total", "counter", "Bundles refused (loop or hop limit)");
  w.Sample(static_cast<double>(e.bundles_refused));
  w.Family("titip_rejected_inputs_total", "counter", "Inputs refused or dropped, by reason");
  const std::pair<const char*, uint64_t> reasons[] = {
      {"malformed_frame", s.loop.frames_malformed}, {"malformed_bundle", e.bundles_malformed},
      {"invalid_punch", e.punches_rejected},        {"refused_bundle", e.bundles_refused},
      {"ignored_frame", e.frames_ignored},          {"undeliverable_frame", s.loop.frames_dropped},
      {"failed_write", s.loop.writes_failed},       {"bad_http_request", s.http_bad_requests},
      {"malformed_seal", e.seals_malformed},
  };
  for (const auto& [reason, v] : reasons) w.Sample(static_cast<double>(v), {{"reason", reason}});
}

void LinkFamilies(Writer& w, const MetricsSnapshot& s) {
  w.Family("titip_upstream_up", "gauge", "1 when the link to this upstream is up");
  for (const auto& l : s.upstreams) w.Sample(l.state == LinkState::kUp, {{"upstream", l.id}});
  w.Family("titip_upstream_state", "gauge", "Link state per upstream, 1 for the current state");
  for (const auto& l : s.upstreams) {
    for (LinkState st : {LinkState::kConnecting, LinkState::kUp, LinkState::kDown}) {
      w.Sample(l.state == st, {{"upstream", l.id}, {"state", LinkStateName(st)}});
    }
  }
  w.Family("titip_upstream_active", "gauge", "1 for the upstream bundles go to now");
  for (const auto& l : s.upstreams) w.Sample(l.active, {{"upstream", l.id}});
  w.Family("titip_upstream_bundles_in_flight", "gauge", "Bundles sent and not yet acked");
  for (const auto& l : s.upstreams) {
    w.Sample(static_cast<double>(l.in_flight), {{"upstream", l.id}});
  }
  w.Family("titip_upstream_last_ack_age_seconds", "gauge",
           "Seconds since this upstream last acked (-1 never)");
  for (const auto& l : s.upstreams) {
    double age = l.last_ack ? std::chrono::duration<double>(s.now - *l.last_ack).count() : -1.0;
    w.Sample(age, {{"upstream", l.id}});
  }
}

void TerminalFamilies(Writer& w, const MetricsSnapshot& s) {
  w.Family("titip_terminal_up", "gauge", "1 when the last contact with the terminal went well");
  for (const auto& [serial, t] : s.terminals) w.Sample(t.up, {{"terminal", serial}});
  w.Family("titip_terminal_clock_skew_seconds", "gauge",
           "Terminal clock minus gateway clock (only when known)");
  for (const auto& [serial, t] : s.terminals) {
    if (t.skew_known) w.Sample(static_cast<double>(t.clock_skew_s), {{"terminal", serial}});
  }
  w.Family("titip_terminal_last_contact_age_seconds", "gauge",
           "Seconds since the last contact with the terminal (-1 never)");
  for (const auto& [serial, t] : s.terminals) {
    double age =
        t.last_contact_ms ? std::max<int64_t>(0, s.wall_ms - t.last_contact_ms) / 1e3 : -1.0;
    w.Sample(age, {{"terminal", serial}});
  }
}

}  // namespace

std::string RenderMetrics(const MetricsSnapshot& s) {
  Writer w;
  w.Family("titip_node_info", "gauge", "Always 1; labels name the node and its role");
  w.Sample(1, {{"node", s.node}, {"role", s.role}});
  StoreFamilies(w, s);
  EngineFamilies(w, s);
  LinkFamilies(w, s);
  TerminalFamilies(w, s);
  return w.Take();
}

}  // namespace titip::relay
