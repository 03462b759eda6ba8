// The PostgreSQL export (`[export.postgres]`): the aggregator copies every stored punch, in the
// sink's arrival order, into PostgreSQL, and upserts the daily recap of every (unit, day) those
// punches touch, so BKD's reporting tools and SQL users read plain tables. Exactly once: punches
// are inserted ON CONFLICT (natural key) DO NOTHING and the export cursor (the last sink
// sequence exported, per aggregator node id) commits in the same PostgreSQL transaction as the
// rows, so a crash or an outage at any point resumes without loss or duplicate.
//
// This header holds the pure parts (schema migrations, row mapping, SQL text, backoff, cursor
// arithmetic), unit-tested without a server. The libpqxx side is private to the library
// (src/pg_exporter.h) and the daemon's thread is StartPostgresExport (pg_export_service.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "titip.pb.h"
#include "titip/aggregator/recap.h"
#include "titip/aggregator/roster.h"

namespace titip::aggregator::pg {

// ---- schema ----

// One schema step. Pending steps are applied in version order in one transaction (DDL is
// transactional in PostgreSQL) under an advisory lock, each recording its row in
// titip.schema_version; never edited once released (add a new one instead).
struct Migration {
  int version = 0;
  std::string description;
  std::vector<std::string> statements;
};
// Every migration, ascending by version, versions 1, 2, ... without gaps.
const std::vector<Migration>& Migrations();
// The migrations still to apply on a database at `current` (0 = no titip schema yet).
std::vector<const Migration*> PendingMigrations(int current);
int LatestSchemaVersion();

// ---- rows ----

// One titip.punch row, as text literals' raw values (quoted later by the connection).
struct PunchRow {
  std::string terminal, pin;
  int64_t device_time = 0;  // civil seconds (terminal local time)
  uint32_t verify = 0;
  uint32_t status = 0, workcode = 0;
  int utc_offset_min = 0;
  std::string unit, origin;
  uint64_t epoch = 0, seq = 0;
  int64_t received_at_ms = 0;
  int64_t stored_at_ms = 0;  // 0 = unknown (stored before the field existed)
  bool clock_synced = false;
  int source = 0;
  uint64_t sink_seq = 0;  // position in the exporting aggregator's arrival log
};
PunchRow MapPunch(const wire::Punch& p, uint64_t sink_seq);

// "YYYY-MM-DD HH:MM:SS" for a civil second (a `timestamp` without time zone).
std::string CivilLiteral(int64_t civil_seconds);
// "YYYY-MM-DD HH:MM:SS.mmm+00" for Unix ms (a `timestamptz`).
std::string UtcMsLiteral(int64_t unix_ms);

// Quotes a value as an SQL literal; the exporter passes the connection's quoting.
using Quote = std::function<std::string(std::string_view)>;

// One multi-row INSERT ... ON CONFLICT (terminal, pin, device_time, verify) DO NOTHING for
// `rows` (non-empty), with `node` as exported_by.
std::string PunchInsertSql(const std::vector<PunchRow>& rows, std::string_view node,
                           const Quote& q);

// The unit a punch counts for in the recap: the roster's unit of its terminal, else the unit
// of the gateway that took it (as DailyRecap decides).
std::string RecapUnitOf(const PunchRow& row, const Roster& roster);

struct UnitDay {
  std::string unit;
  int64_t day = 0;  // civil 00:00
  auto operator<=>(const UnitDay&) const = default;
};
// The (unit, day)s whose recap may change with `rows`: each punch's day and the day before
// (a night shift started the day before owns it). Punches with no unit are skipped.
std::set<UnitDay> RecapDaysTouched(const std::vector<PunchRow>& rows, const Roster& roster);

// One INSERT ... ON CONFLICT (unit, date, terminal, pin) DO UPDATE for `rows` (non-empty).
std::string RecapUpsertSql(const std::vector<RecapRow>& rows, std::string_view node,
                           const Quote& q);

// ---- cursor and retry ----

// The export cursor row: the last sink sequence exported by node `node` from the store of
// epoch `epoch`. A cursor of another epoch (the aggregator's store was rebuilt and numbers
// from 1 again) restarts at 0: re-inserting is harmless, skipping would lose punches.
struct Cursor {
  uint64_t epoch = 0;
  uint64_t sink_seq = 0;
};
uint64_t ResumeAfter(const std::optional<Cursor>& stored, uint64_t our_epoch);
// Punches stored at the sink and not yet exported.
inline uint64_t Lag(uint64_t sink_last, uint64_t cursor) {
  return sink_last > cursor ? sink_last - cursor : 0;
}
// Wait before the next connection attempt: 1 s, doubling, at most 60 s.
std::chrono::milliseconds NextBackoff(std::chrono::milliseconds previous);

// "host:port/dbname as user" for logs — never the password. "(unparsable DSN)" when libpq
// cannot parse it.
std::string DescribeDsn(const std::string& dsn);

// The counters on /metrics (names in RenderMetrics).
struct ExportCounters {
  uint64_t exported = 0;  // punches committed to PostgreSQL (incl. ones already there)
  uint64_t inserted = 0;  // of which new rows
  uint64_t recaps = 0;    // recap rows upserted
  uint64_t failures = 0;  // failed connects and transactions
  uint64_t lag = 0;       // sink seq − cursor at the last look
  bool connected = false;
};
std::string RenderMetrics(const ExportCounters& c);

}  // namespace titip::aggregator::pg
