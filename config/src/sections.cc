// Per-table readers of the daemon config; see sections.h. Ranges are documented in config.h.
#include "sections.h"

#include <map>

#include "checks.h"
#include "titip/common/civil_time.h"

namespace titip::config::internal {
namespace {

TableReader ReaderFor(const toml::table& root, std::string_view name, Errors& errors) {
  const toml::table* t = TableAt(root, name, errors);
  return TableReader(t, std::string(name), t == nullptr ? 0 : LineOf(*t), errors);
}

std::string Indexed(std::string_view name, size_t i) {
  return std::string(name) + "[" + std::to_string(i) + "]";
}

// Remembers the line of each id seen so a repeat can point at the first one.
class UniqueIds {
 public:
  explicit UniqueIds(std::string_view what) : what_(what) {}
  void Check(TableReader& r, std::string_view key, const std::string& id) {
    auto [it, inserted] = first_line_.emplace(id, r.Line(key));
    if (inserted) return;
    r.Fail(key, "duplicate " + what_ + " '" + id + "' (first at line " +
                    std::to_string(it->second) + ")");
  }

 private:
  std::string what_;
  std::map<std::string, int> first_line_;
};

}  // namespace

const toml::table* TableAt(const toml::table& root, std::string_view name, Errors& errors) {
  const toml::node* n = root.get(name);
  if (n == nullptr) return nullptr;
  if (const toml::table* t = n->as_table()) return t;
  errors.Add(
      LineOf(*n), std::string(name),
      "expected a table [" + std::string(name) + "], got " + std::string(TypeName(n->type())));
  return nullptr;
}

const toml::array* TableArrayAt(const toml::table& root, std::string_view name, Errors& errors) {
  const toml::node* n = root.get(name);
  if (n == nullptr) return nullptr;
  const toml::array* a = n->as_array();
  if (a != nullptr && a->is_array_of_tables()) return a;
  if (a != nullptr && a->empty()) return a;
  errors.Add(LineOf(*n), std::string(name),
             "expected an array of tables [[" + std::string(name) + "]], got " +
                 std::string(TypeName(n->type())));
  return nullptr;
}

void ReadNode(const toml::table& root, Errors& errors, NodeConfig* out) {
  TableReader r = ReaderFor(root, "node", errors);
  r.CheckKnownKeys({"id", "unit", "state_dir", "utc_offset", "listen", "control"});
  r.String("id", Need::kRequired, &out->id, CheckNodeId);
  r.String("unit", Need::kOptional, &out->unit, CheckNoControl);
  r.String("state_dir", Need::kRequired, &out->state_dir, CheckNoControl);
  std::string offset;
  if (r.String("utc_offset", Need::kOptional, &offset, CheckUtcOffset)) {
    out->utc_offset_min = *ParseUtcOffset(offset);
  }
  r.String("listen", Need::kOptional, &out->listen, CheckZmqEndpoint);
  r.String("control", Need::kOptional, &out->control, CheckZmqEndpoint);
}

void ReadSecurity(const toml::table& root, Errors& errors, std::optional<SecurityConfig>* out) {
  if (!root.contains("security")) return;
  TableReader r = ReaderFor(root, "security", errors);
  r.CheckKnownKeys(
      {"secret_key_file", "allowed_keys_file", "signing_key_file", "origin_keys_file"});
  SecurityConfig sec;
  r.String("secret_key_file", Need::kRequired, &sec.secret_key_file, CheckNoControl);
  r.String("allowed_keys_file", Need::kOptional, &sec.allowed_keys_file, CheckNoControl);
  r.String("signing_key_file", Need::kOptional, &sec.signing_key_file, CheckNoControl);
  r.String("origin_keys_file", Need::kOptional, &sec.origin_keys_file, CheckNoControl);
  *out = std::move(sec);
}

void ReadUpstreams(const toml::table& root, Errors& errors, std::vector<UpstreamConfig>* out) {
  const toml::array* arr = TableArrayAt(root, "upstream", errors);
  if (arr == nullptr) return;
  UniqueIds ids("upstream id");
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::table& t = *arr->get(i)->as_table();
    TableReader r(&t, Indexed("upstream", i), LineOf(t), errors);
    r.CheckKnownKeys({"id", "endpoint", "public_key", "priority"});
    UpstreamConfig up;
    if (r.String("id", Need::kRequired, &up.id, CheckNodeId)) ids.Check(r, "id", up.id);
    r.String("endpoint", Need::kRequired, &up.endpoint, CheckZmqEndpoint);
    r.String("public_key", Need::kOptional, &up.public_key, CheckZ85Key);
    r.Int("priority", 1, 100, &up.priority);
    out->push_back(std::move(up));
  }
}

void ReadTerminals(const toml::table& root, Errors& errors, std::vector<TerminalConfig>* out) {
  const toml::array* arr = TableArrayAt(root, "terminal", errors);
  if (arr == nullptr) return;
  UniqueIds serials("terminal serial");
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::table& t = *arr->get(i)->as_table();
    TableReader r(&t, Indexed("terminal", i), LineOf(t), errors);
    r.CheckKnownKeys({"serial", "kind", "address", "poll_interval_s", "comm_key",
                      "clear_after_receipt", "transport"});
    TerminalConfig term;
    if (r.String("serial", Need::kRequired, &term.serial, CheckSerial)) {
      serials.Check(r, "serial", term.serial);
    }
    r.String("kind", Need::kOptional, &term.kind, CheckTerminalKind);
    bool polled = term.kind == "zk" || term.kind == "soap";
    r.String("address", polled ? Need::kRequired : Need::kOptional, &term.address, CheckHostPort);
    r.Int("poll_interval_s", 10, 86400, &term.poll_interval_s);
    r.Int("comm_key", 0, 999999, &term.comm_key);
    r.Bool("clear_after_receipt", &term.clear_after_receipt);
    r.String("transport", Need::kOptional, &term.transport,
             [](std::string_view v) -> std::optional<std::string> {
               if (v == "tcp" || v == "udp") return std::nullopt;
               return "unknown transport '" + std::string(v) + "' (want tcp or udp)";
             });
    out->push_back(std::move(term));
  }
}

void ReadListeners(const toml::table& root, Errors& errors, Config* out) {
  if (root.contains("adms")) {
    TableReader r = ReaderFor(root, "adms", errors);
    r.CheckKnownKeys({"listen"});
    r.String("listen", Need::kRequired, &out->adms_listen, CheckHostPort);
  }
  if (root.contains("metrics")) {
    TableReader r = ReaderFor(root, "metrics", errors);
    r.CheckKnownKeys({"listen"});
    r.String("listen", Need::kRequired, &out->metrics_listen, CheckHostPort);
  }
  if (root.contains("web")) {  // the aggregator's status board (CheckRoleTables: aggregator only)
    TableReader r = ReaderFor(root, "web", errors);
    r.CheckKnownKeys({"listen"});
    r.String("listen", Need::kRequired, &out->web_listen, CheckHostPort);
  }
  TableReader r = ReaderFor(root, "aggregator", errors);
  r.CheckKnownKeys({"roster_file", "schedule_file"});
  r.String("roster_file", Need::kOptional, &out->roster_file, CheckNoControl);
  r.String("schedule_file", Need::kOptional, &out->schedule_file, CheckNoControl);
}

void ReadStore(const toml::table& root, Errors& errors, StoreConfig* out) {
  constexpr int64_t kMaxMb = 1 << 20;  // 1 TiB; past that it is a typo, not a plan
  TableReader r = ReaderFor(root, "store", errors);
  r.CheckKnownKeys({"map_cap_mb", "initial_map_mb"});
  r.Int("map_cap_mb", 1, kMaxMb, &out->map_cap_mb);
  r.Int("initial_map_mb", 1, kMaxMb, &out->initial_map_mb);
  if (errors.ok() && out->initial_map_mb > out->map_cap_mb) {
    r.Fail("initial_map_mb",
           "must not exceed map_cap_mb (" + std::to_string(out->map_cap_mb) + ")");
  }
}

void ReadLink(const toml::table& root, Errors& errors, LinkConfig* out) {
  TableReader r = ReaderFor(root, "link", errors);
  r.CheckKnownKeys({"bundle_max_punches", "bundle_max_bytes", "window", "ack_timeout_ms",
                    "backoff_max_ms", "heartbeat_ms", "resend_after_s"});
  r.Int("bundle_max_punches", 1, 10000, &out->bundle_max_punches);
  r.Int("bundle_max_bytes", 1024, 16 << 20, &out->bundle_max_bytes);
  r.Int("window", 1, 64, &out->window);
  r.Int("ack_timeout_ms", 10, 600000, &out->ack_timeout_ms);
  r.Int("backoff_max_ms", 10, 3600000, &out->backoff_max_ms);
  r.Int("heartbeat_ms", 10, 600000, &out->heartbeat_ms);
  r.Int("resend_after_s", 1, 30 * 86400, &out->resend_after_s);
  if (errors.ok() && out->backoff_max_ms < out->ack_timeout_ms) {
    r.Fail("backoff_max_ms",
           "must be at least ack_timeout_ms (" + std::to_string(out->ack_timeout_ms) + ")");
  }
}

}  // namespace titip::config::internal
