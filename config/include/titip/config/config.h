// The daemon config (SPEC §8): one TOML file per daemon. Loading validates everything up front
// so that a daemon either starts with a config that makes sense or exits 78 naming the file,
// line and key at fault. Every knob documents its default, unit, and what a wrong value does.
//
// Validation (all of it happens in LoadConfig/ParseConfig; a Config you hold is valid):
//  - Unknown tables and keys are errors (they are almost always typos).
//  - Types are strict: an integer key given "300" or 300.0 is an error.
//  - An optional string key set to "" counts as absent; a required one must be non-empty.
//  - Role rules: [[terminal]] and [adms] only in a gateway config; [aggregator] only in an
//    aggregator config; a gateway needs node.unit and >= 1 [[upstream]]; a relay needs
//    node.listen and >= 1 [[upstream]]; an aggregator needs node.listen and has no [[upstream]].
//  - With [security]: every upstream needs public_key, and allowed_keys_file is required when
//    node.listen is set, and differs from secret_key_file. Without [security], no upstream may
//    set public_key (it would look encrypted and be plaintext). An adms terminal needs
//    [adms] listen. No upstream may carry node.id.
// Errors name array elements zero-based, like toml++ paths: "upstream[0].endpoint" is the
// first [[upstream]].
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "titip/common/status.h"

namespace titip::config {

enum class Role { kGateway, kRelay, kAggregator };

struct NodeConfig {
  std::string id;            // [a-z0-9-]{1,32}; required
  std::string unit;          // gateway: unit its terminals belong to (required there, free
                             // text without control characters); optional elsewhere
  std::string state_dir;     // required; the LMDB store lives here (not opened by the loader)
  int utc_offset_min = 420;  // utc_offset = "+07:00" (WIB) by default; "[+-]HH:MM", HH <= 14
  std::string listen;        // ZeroMQ endpoint for downstream peers; required on relay and
                             // aggregator. Endpoints: tcp://HOST:PORT (PORT 1..65535 or *),
                             // ipc://PATH or inproc://NAME
  std::string control;       // optional ZeroMQ endpoint for titipctl (same forms)
};

// [security]: optional; absent = plaintext links (the daemon logs a warning).
struct SecurityConfig {
  std::string secret_key_file;    // required when [security] is present
  std::string allowed_keys_file;  // required when node.listen is set
  // Gateway only, optional: its Ed25519 origin signing key (titipctl keygen --signing). Set:
  // it seals every punch it originates, so no relay can alter or forge them unnoticed.
  std::string signing_key_file;
  // Aggregator only, optional: "<node-id> <z85-signing-public-key>" lines. Set: every punch
  // must carry its origin's valid seal, or it is quarantined instead of stored.
  std::string origin_keys_file;
};

struct UpstreamConfig {
  std::string id;          // node id of the upstream; required, unique among upstreams
  std::string endpoint;    // required ZeroMQ endpoint, e.g. "tcp://10.20.0.5:7450"
  std::string public_key;  // z85 CURVE key (40 chars); may be empty without [security]
  int priority = 1;        // 1..100, lower = preferred
};

struct TerminalConfig {
  std::string serial;                // required, 1..64 printable ASCII chars, no spaces; unique
  std::string kind = "zk";           // zk | adms | soap | usb
  std::string address;               // HOST:PORT; required for zk/soap, unused by adms/usb
  int poll_interval_s = 300;         // 10..86400 seconds between polls (zk/soap)
  uint32_t comm_key = 0;             // 0..999999, the terminal's numeric comm password (0 = none)
  bool clear_after_receipt = false;  // erase punches on the terminal once a receipt is back
  std::string transport = "tcp";     // zk only: tcp | udp (port 4370 speaks both)
};

// Store knobs. [store]
struct StoreConfig {
  uint64_t map_cap_mb = 4096;   // 1..1048576; past this the store refuses intake (terminals
                                // keep the data)
  uint64_t initial_map_mb = 8;  // 1..1048576 and <= map_cap_mb
};

// Custody link knobs. [link]
struct LinkConfig {
  uint32_t bundle_max_punches = 1000;      // 1..10000; bigger bundles = fewer acks
  uint32_t bundle_max_bytes = 256 * 1024;  // 1024..16777216
  uint32_t window = 4;                     // bundles in flight per link (credit), 1..64
  uint32_t ack_timeout_ms = 5000;      // 10..600000; first retransmit after this; doubles per retry
  uint32_t backoff_max_ms = 60000;     // 10..3600000 and >= ack_timeout_ms; retransmit ceiling
  uint32_t heartbeat_ms = 2000;        // 10..600000; hello/heartbeat period; dead after 3 missed
  uint32_t resend_after_s = 6 * 3600;  // 1..2592000; origin re-offers punches without receipt
};

// [export.postgres]: optional, aggregator only. Streams stored punches and daily recaps into
// PostgreSQL (aggregator/include/titip/aggregator/pg_export.h). Absent = no export.
struct PostgresExportConfig {
  // Required: a libpq connection string ("host=... dbname=... user=...") or a
  // postgresql:// URI, at most 4096 bytes. It may hold a password: it is never logged or
  // echoed in a config error. A wrong one only delays the export (logged, retried with backoff).
  std::string dsn;
  uint32_t batch_rows = 5000;  // 1..100000 punches per PostgreSQL transaction
};

struct Config {
  std::string path;  // the file it came from
  Role role = Role::kGateway;
  NodeConfig node;
  std::optional<SecurityConfig> security;
  std::vector<UpstreamConfig> upstreams;
  std::vector<TerminalConfig> terminals;
  std::string adms_listen;     // [adms] listen = "HOST:PORT"; gateway only, needed by adms
                               // terminals
  std::string metrics_listen;  // [metrics] listen = "HOST:PORT", optional
  std::string web_listen;      // [web] listen = "HOST:PORT": the status board; aggregator only
  std::string roster_file;     // [aggregator] roster_file, optional
  std::string schedule_file;   // [aggregator] schedule_file, optional
  std::optional<PostgresExportConfig> postgres_export;  // [export.postgres], optional
  StoreConfig store;
  LinkConfig link;
};

// A config problem, located. ToString(): "FILE:LINE: key 'a.b': message"; ":LINE" is omitted
// when line is 0 and "key '...': " when key is empty (unreadable file, TOML syntax error).
struct ConfigError {
  std::string file;
  int line = 0;     // 1-based; 0 when nothing to point at (e.g. a missing table);
                    // a missing key in a present table points at the table header
  std::string key;  // dotted, e.g. "node.id", "upstream[1].endpoint"; may be empty
  std::string message;
  std::string ToString() const;
};

struct LoadResult {
  std::optional<Config> config;
  std::optional<ConfigError> error;
};

// Parses and validates. Role-specific rules: a gateway needs at least one [[upstream]]; an
// aggregator needs [node] listen and no upstream; a relay needs both listen and an upstream.
// Exactly one of config/error is set; the error is the first problem found. Thread-safe (no
// shared state); touches no file but `path` (LoadConfig) and none at all (ParseConfig).
LoadResult LoadConfig(const std::string& path, Role role);
LoadResult ParseConfig(const std::string& text, const std::string& path_for_messages, Role role);

inline constexpr int kExitConfig = 78;  // sysexits EX_CONFIG

}  // namespace titip::config
