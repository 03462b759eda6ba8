// PgExporter: the one place that talks SQL to a server. Every batch is one transaction, so the
// cursor can never run ahead of the rows (or behind them: rows re-sent after a lost commit
// answer are absorbed by ON CONFLICT DO NOTHING).
#include "pg_exporter.h"

#include <map>
#include <pqxx/pqxx>

namespace titip::aggregator::pg {
namespace {

constexpr size_t kRowsPerStatement = 1000;  // keeps one statement well under a few MB
constexpr int64_t kDay = 86400;
// Serialises schema migrations of concurrent aggregators (any fixed 64-bit number; "titip").
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(7450001)";

// Key=value DSNs get a connect timeout unless they set one (a later keyword wins in libpq):
// without it a silently dropped SYN blocks the export thread for minutes.
std::string WithTimeout(const std::string& dsn) {
  if (dsn.find("://") != std::string::npos) return dsn;
  return "connect_timeout=10 " + dsn;
}

template <typename T, typename Fn>
void InChunks(const std::vector<T>& all, Fn fn) {
  for (size_t i = 0; i < all.size(); i += kRowsPerStatement) {
    std::vector<T> part(all.begin() + i, all.begin() + std::min(all.size(), i + kRowsPerStatement));
    fn(part);
  }
}

int Migrate(pqxx::work& w, const std::string& node) {
  w.exec(kSchemaLock);
  w.exec("CREATE SCHEMA IF NOT EXISTS titip");
  w.exec(
      "CREATE TABLE IF NOT EXISTS titip.schema_version (version integer PRIMARY KEY, "
      "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), "
      "applied_by text NOT NULL)");
  int current =
      w.exec("SELECT coalesce(max(version), 0) FROM titip.schema_version")[0][0].as<int>();
  for (const Migration* m : PendingMigrations(current)) {
    for (const auto& sql : m->statements) w.exec(sql);
    w.exec("INSERT INTO titip.schema_version (version, description, applied_by) VALUES (" +
           std::to_string(m->version) + ", " + w.quote(m->description) + ", " + w.quote(node) +
           ")");
    current = m->version;
  }
  return current;
}

}  // namespace

PgExporter::PgExporter(Options options, Roster roster, std::unique_ptr<Schedule> schedule)
    : opts_(std::move(options)), roster_(std::move(roster)), schedule_(std::move(schedule)) {}

void ConnectionDeleter::operator()(pqxx::connection_base* c) const {
  delete static_cast<pqxx::connection*>(c);  // only ever a pqxx::connection (Connect below)
}

PgExporter::~PgExporter() { Disconnect(); }

void PgExporter::Disconnect() {
  try {
    conn_.reset();
  } catch (...) {  // closing a broken connection must not take the thread down
  }
}

Status PgExporter::Connect(uint64_t* resume_after, int* schema_version) {
  Disconnect();
  try {
    auto conn = std::make_unique<pqxx::connection>(WithTimeout(opts_.dsn));
    pqxx::work w(*conn);
    *schema_version = Migrate(w, opts_.node);
    if (*schema_version > LatestSchemaVersion()) {  // a newer aggregator migrated it
      return Status::Precondition("database schema version " + std::to_string(*schema_version) +
                                  " is newer than this build's " +
                                  std::to_string(LatestSchemaVersion()));
    }
    pqxx::result c = w.exec(
        "SELECT store_epoch::text, sink_seq FROM titip.export_cursor WHERE "
        "node_id = " +
        w.quote(opts_.node));
    std::optional<Cursor> stored;
    if (!c.empty()) {
      stored = Cursor{std::stoull(c[0][0].as<std::string>()), c[0][1].as<uint64_t>()};
    }
    w.commit();
    *resume_after = ResumeAfter(stored, opts_.epoch);
    conn_.reset(conn.release());
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Unavailable(e.what());
  }
}

Status PgExporter::Export(const std::vector<PunchRow>& rows, BatchResult* out) {
  *out = BatchResult{};
  if (!conn_) return Status::Unavailable("not connected");
  try {
    pqxx::work w(*conn_);
    Quote q = [&w](std::string_view v) { return w.quote(std::string(v)); };
    InChunks(rows, [&](const std::vector<PunchRow>& part) {
      out->inserted += w.exec(PunchInsertSql(part, opts_.node, q)).affected_rows();
    });
    if (schedule_) {
      // Per unit in sorted order: the lock makes a concurrent aggregator's recap of the same
      // unit wait for our commit, so the later of the two sees both sets of punches.
      std::map<std::string, std::vector<int64_t>> by_unit;
      for (const auto& ud : RecapDaysTouched(rows, roster_)) by_unit[ud.unit].push_back(ud.day);
      for (const auto& [unit, days] : by_unit) {
        w.exec("SELECT pg_advisory_xact_lock(hashtext(" + w.quote("titip.recap." + unit) + "))");
        std::string terms;
        for (const auto& e : roster_.entries()) {
          if (e.unit_id == unit) terms += "," + w.quote(e.terminal_serial);
        }
        pqxx::result pr = w.exec(
            "SELECT terminal, pin, unit, extract(epoch FROM device_time)::bigint, "
            "coalesce((extract(epoch FROM stored_at) * 1000)::bigint, 0), utc_offset_min FROM "
            "titip.punch WHERE device_time >= " +
            w.quote(CivilLiteral(days.front() - 2 * kDay)) + " AND device_time < " +
            w.quote(CivilLiteral(days.back() + 2 * kDay)) + " AND (unit = " + w.quote(unit) +
            (terms.empty() ? "" : " OR terminal IN (" + terms.substr(1) + ")") + ")");
        std::vector<RecapPunch> punches;
        punches.reserve(pr.size());
        for (const auto& r : pr) {
          punches.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                             r[3].as<int64_t>(), r[4].as<int64_t>(), r[5].as<int>()});
        }
        std::vector<RecapRow> recap;
        for (int64_t day : days) {
          auto part = DailyRecap(day, unit, punches, roster_, *schedule_);
          recap.insert(recap.end(), part.begin(), part.end());
        }
        InChunks(recap, [&](const std::vector<RecapRow>& part) {
          out->recaps += w.exec(RecapUpsertSql(part, opts_.node, q)).affected_rows();
        });
      }
    }
    w.exec("INSERT INTO titip.export_cursor (node_id, store_epoch, sink_seq) VALUES (" +
           w.quote(opts_.node) + ", " + std::to_string(opts_.epoch) + ", " +
           std::to_string(rows.back().sink_seq) +
           ") ON CONFLICT (node_id) DO UPDATE SET store_epoch = EXCLUDED.store_epoch, sink_seq = "
           "EXCLUDED.sink_seq, updated_at = now()");
    w.commit();
    return Status::Ok();
  } catch (const std::exception& e) {
    Disconnect();  // a failed statement may leave the connection unusable; start clean
    return Status::Unavailable(e.what());
  }
}

}  // namespace titip::aggregator::pg
