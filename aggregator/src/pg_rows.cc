// Pure parts of the PostgreSQL export: punch → row, SQL text for the batched upserts, the days
// a batch touches, cursor and backoff arithmetic, and the log-safe description of a DSN.
#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>

#include "titip/aggregator/pg_export.h"
#include "titip/common/civil_time.h"

namespace titip::aggregator::pg {
namespace {

constexpr int64_t kDay = 86400;

int64_t DayOf(int64_t civil) { return civil - ((civil % kDay) + kDay) % kDay; }

std::string Num(uint64_t v) { return std::to_string(v); }

std::string OptCivil(const std::optional<int64_t>& t, const Quote& q) {
  return t ? q(CivilLiteral(*t)) : "NULL";
}

std::string Tier(const char* prefix, int code, const Quote& q) {
  return code > 0 ? q(std::string(prefix) + std::to_string(code)) : "NULL";
}

}  // namespace

PunchRow MapPunch(const wire::Punch& p, uint64_t sink_seq) {
  PunchRow r;
  r.terminal = p.terminal();
  r.pin = p.pin();
  r.device_time = p.device_time();
  r.verify = p.verify();
  r.status = p.status();
  r.workcode = p.workcode();
  r.utc_offset_min = p.utc_offset_min();
  r.unit = p.unit();
  r.origin = p.origin();
  r.epoch = p.epoch();
  r.seq = p.seq();
  r.received_at_ms = p.received_at_ms();
  r.stored_at_ms = p.stored_at_ms();
  r.clock_synced = p.clock_synced();
  r.source = static_cast<int>(p.source());
  r.sink_seq = sink_seq;
  return r;
}

std::string CivilLiteral(int64_t civil_seconds) { return FormatCivil(civil_seconds, ' '); }

std::string UtcMsLiteral(int64_t unix_ms) {
  int64_t s = unix_ms / 1000, ms = unix_ms % 1000;
  if (ms < 0) ms += 1000, s -= 1;
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms));
  return FormatCivil(s, ' ') + frac + "+00";
}

std::string PunchInsertSql(const std::vector<PunchRow>& rows, std::string_view node,
                           const Quote& q) {
  std::string sql =
      "INSERT INTO titip.punch (terminal, pin, device_time, verify, status, workcode, "
      "utc_offset_min, unit, origin, origin_epoch, origin_seq, received_at, stored_at, "
      "clock_synced, source, exported_by, sink_seq) VALUES ";
  const std::string by = q(node);
  sql.reserve(rows.size() * 200);
  for (size_t i = 0; i < rows.size(); ++i) {
    const PunchRow& r = rows[i];
    if (i) sql += ",";
    sql += "(" + q(r.terminal) + "," + q(r.pin) + "," + q(CivilLiteral(r.device_time)) + "," +
           Num(uint64_t{r.verify}) + "," + Num(uint64_t{r.status}) + "," +
           Num(uint64_t{r.workcode}) + "," + std::to_string(r.utc_offset_min) + "," + q(r.unit) +
           "," + q(r.origin) + "," + Num(r.epoch) + "," + Num(r.seq) + "," +
           q(UtcMsLiteral(r.received_at_ms)) + "," +
           (r.stored_at_ms > 0 ? q(UtcMsLiteral(r.stored_at_ms)) : "NULL") + "," +
           (r.clock_synced ? "true" : "false") + "," + std::to_string(r.source) + "," + by + "," +
           Num(r.sink_seq) + ")";
  }
  sql += " ON CONFLICT (terminal, pin, device_time, verify) DO NOTHING";
  return sql;
}

std::string RecapUnitOf(const PunchRow& row, const Roster& roster) {
  if (auto u = roster.UnitOfTerminal(row.terminal)) return *u;
  return row.unit;
}

std::set<UnitDay> RecapDaysTouched(const std::vector<PunchRow>& rows, const Roster& roster) {
  std::set<UnitDay> out;
  for (const auto& r : rows) {
    std::string unit = RecapUnitOf(r, roster);
    if (unit.empty()) continue;  // DailyRecap reads "" as every unit
    const int64_t day = DayOf(r.device_time);
    out.insert({unit, day - kDay});
    out.insert({unit, day});
  }
  return out;
}

std::string RecapUpsertSql(const std::vector<RecapRow>& rows, std::string_view node,
                           const Quote& q) {
  std::string sql =
      "INSERT INTO titip.daily_recap (unit, date, terminal, pin, nip, name, flag, status, "
      "jam_masuk, jam_pulang, telat_menit, kode_tl, psw_menit, kode_psw, jumlah_scan, "
      "terlambat_kirim, profile, shift, computed_by) VALUES ";
  const std::string by = q(node);
  for (size_t i = 0; i < rows.size(); ++i) {
    const RecapRow& r = rows[i];
    std::string shift = "NULL";
    if (r.shift) {
      shift = q(FormatCivil(r.shift->start_s, ' ').substr(11, 5) + "-" +
                FormatCivil(r.shift->end_s, ' ').substr(11, 5));
    }
    if (i) sql += ",";
    sql += "(" + q(r.unit) + "," + q(FormatCivil(r.date, ' ').substr(0, 10)) + "," + q(r.terminal) +
           "," + q(r.pin) + "," + q(r.nip) + "," + q(r.name) + "," + q(FlagName(r.flag)) + "," +
           q(DayStatusCode(r.status)) + "," + OptCivil(r.masuk, q) + "," + OptCivil(r.pulang, q) +
           "," + std::to_string(r.telat_menit) + "," + Tier("TL", r.kode_tl, q) + "," +
           std::to_string(r.psw_menit) + "," + Tier("PSW", r.kode_psw, q) + "," +
           std::to_string(r.jumlah_scan) + "," + (r.terlambat_kirim ? "true" : "false") + "," +
           q(r.profile) + "," + shift + "," + by + ")";
  }
  sql +=
      " ON CONFLICT (unit, date, terminal, pin) DO UPDATE SET nip = EXCLUDED.nip, name = "
      "EXCLUDED.name, flag = EXCLUDED.flag, status = EXCLUDED.status, jam_masuk = "
      "EXCLUDED.jam_masuk, jam_pulang = EXCLUDED.jam_pulang, telat_menit = EXCLUDED.telat_menit, "
      "kode_tl = EXCLUDED.kode_tl, psw_menit = EXCLUDED.psw_menit, kode_psw = EXCLUDED.kode_psw, "
      "jumlah_scan = EXCLUDED.jumlah_scan, terlambat_kirim = EXCLUDED.terlambat_kirim, profile = "
      "EXCLUDED.profile, shift = EXCLUDED.shift, computed_by = EXCLUDED.computed_by, "
      "computed_at = now()";
  return sql;
}

uint64_t ResumeAfter(const std::optional<Cursor>& stored, uint64_t our_epoch) {
  if (!stored || stored->epoch != our_epoch) return 0;
  return stored->sink_seq;
}

std::chrono::milliseconds NextBackoff(std::chrono::milliseconds previous) {
  using std::chrono::milliseconds;
  if (previous < milliseconds(1000)) return milliseconds(1000);
  return std::min(previous * 2, milliseconds(60000));
}

std::string DescribeDsn(const std::string& dsn) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(dsn.c_str(), &err);
  if (err) PQfreemem(err);
  if (!opts) return "(unparsable DSN)";
  std::string host = "localhost", port = "5432", db, user;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    std::string k = o->keyword;
    if (k == "host" || (k == "hostaddr" && host == "localhost")) host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") db = o->val;
    if (k == "user") user = o->val;
  }
  PQconninfoFree(opts);
  std::string out = host + ":" + port + "/" + (db.empty() ? user : db);
  if (!user.empty()) out += " as " + user;
  return out;
}

std::string RenderMetrics(const ExportCounters& c) {
  std::string out;
  auto metric = [&](const char* name, const char* type, const char* help, uint64_t v) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(v) + "\n";
  };
  metric("titip_pg_export_punches_total", "counter",
         "Punches committed to PostgreSQL by the export (including ones already there).",
         c.exported);
  metric("titip_pg_export_inserted_total", "counter",
         "Punch rows the export added to PostgreSQL (new natural keys).", c.inserted);
  metric("titip_pg_export_recap_rows_total", "counter",
         "Daily recap rows the export upserted into PostgreSQL.", c.recaps);
  metric("titip_pg_export_failures_total", "counter",
         "Failed PostgreSQL connects and export transactions.", c.failures);
  metric("titip_pg_export_lag_punches", "gauge",
         "Punches stored at this aggregator and not yet exported (sink seq - cursor).", c.lag);
  metric("titip_pg_export_connected", "gauge", "1 while the export holds a PostgreSQL connection.",
         c.connected ? 1 : 0);
  return out;
}

}  // namespace titip::aggregator::pg
