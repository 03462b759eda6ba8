// The PostgreSQL schema of the export, as ordered migrations. Tables live in schema `titip` so
// they never collide with BKD's own. The README ("PostgreSQL export") documents every column;
// keep the two in step.
#include "titip/aggregator/pg_export.h"

namespace titip::aggregator::pg {

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kAll = {
      {1,
       "punches, daily recaps, export cursor",
       {R"sql(CREATE TABLE titip.punch (
  terminal       text        NOT NULL,
  pin            text        NOT NULL,
  device_time    timestamp   NOT NULL,
  verify         bigint      NOT NULL,
  status         bigint      NOT NULL,
  workcode       bigint      NOT NULL,
  utc_offset_min integer     NOT NULL,
  unit           text        NOT NULL,
  origin         text        NOT NULL,
  origin_epoch   numeric(20) NOT NULL,
  origin_seq     numeric(20) NOT NULL,
  received_at    timestamptz NOT NULL,
  stored_at      timestamptz,
  clock_synced   boolean     NOT NULL,
  source         smallint    NOT NULL,
  exported_by    text        NOT NULL,
  sink_seq       bigint      NOT NULL,
  exported_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (terminal, pin, device_time, verify)))sql",
        R"sql(CREATE TABLE titip.daily_recap (
  unit            text    NOT NULL,
  date            date    NOT NULL,
  terminal        text    NOT NULL,
  pin             text    NOT NULL,
  nip             text    NOT NULL,
  name            text    NOT NULL,
  flag            text    NOT NULL,
  status          text    NOT NULL,
  jam_masuk       timestamp,
  jam_pulang      timestamp,
  telat_menit     integer NOT NULL,
  kode_tl         text,
  psw_menit       integer NOT NULL,
  kode_psw        text,
  jumlah_scan     integer NOT NULL,
  terlambat_kirim boolean NOT NULL,
  profile         text    NOT NULL,
  shift           text,
  computed_by     text    NOT NULL,
  computed_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (unit, date, terminal, pin)))sql",
        R"sql(CREATE TABLE titip.export_cursor (
  node_id     text        PRIMARY KEY,
  store_epoch numeric(20) NOT NULL,
  sink_seq    bigint      NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()))sql"}},
      {2,
       "reporting indexes",
       {"CREATE INDEX punch_unit_time ON titip.punch (unit, device_time)",
        "CREATE INDEX punch_terminal_time ON titip.punch (terminal, device_time)",
        "CREATE INDEX daily_recap_date ON titip.daily_recap (date, unit)"}},
  };
  return kAll;
}

int LatestSchemaVersion() { return Migrations().back().version; }

std::vector<const Migration*> PendingMigrations(int current) {
  std::vector<const Migration*> out;
  for (const auto& m : Migrations()) {
    if (m.version > current) out.push_back(&m);
  }
  return out;
}

}  // namespace titip::aggregator::pg
