// The PostgreSQL export's pure parts, no server needed: migration order, punch → row mapping,
// timestamp literals, the SQL of both upserts (natural-key conflict target, quoting), the
// recap days a batch touches, cursor resume and epoch change, backoff, and a DSN description
// that never carries the password.
#include <gtest/gtest.h>

#include "titip/aggregator/pg_export.h"
#include "titip/common/civil_time.h"

namespace titip::aggregator::pg {
namespace {

// Doubles quotes like PostgreSQL's literal syntax: enough to check what the builders quote.
std::string TestQuote(std::string_view v) {
  std::string out = "'";
  for (char c : v) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

int64_t Civil(const char* text) { return *ParseCivil(text); }

wire::Punch SamplePunch() {
  wire::Punch p;
  p.set_origin("kec-sekernan");
  p.set_epoch(18446744073709551615ull);  // the largest epoch must survive (numeric(20))
  p.set_seq(42);
  p.set_terminal("A6F1190360012");
  p.set_pin("1001");
  p.set_device_time(Civil("2026-11-02T07:31:00"));
  p.set_utc_offset_min(420);
  p.set_verify(15);
  p.set_status(1);
  p.set_workcode(7);
  p.set_received_at_ms(1'793'000'000'123);
  p.set_stored_at_ms(0);
  p.set_clock_synced(true);
  p.set_source(wire::SOURCE_USB);
  p.set_unit("kec-sekernan");
  return p;
}

TEST(PgMigrations, AscendingWithoutGapsAndPendingFromCurrent) {
  const auto& all = Migrations();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i + 1));
    EXPECT_FALSE(all[i].statements.empty());
    EXPECT_FALSE(all[i].description.empty());
  }
  EXPECT_EQ(LatestSchemaVersion(), all.back().version);
  EXPECT_EQ(PendingMigrations(0).size(), all.size());
  auto rest = PendingMigrations(1);
  ASSERT_EQ(rest.size(), all.size() - 1);
  if (!rest.empty()) {
    EXPECT_EQ(rest.front()->version, 2);
  }
  EXPECT_TRUE(PendingMigrations(LatestSchemaVersion()).empty());
  EXPECT_TRUE(PendingMigrations(LatestSchemaVersion() + 5).empty());
  // The natural key is the punch table's primary key: ON CONFLICT needs exactly that index.
  EXPECT_NE(all[0].statements[0].find("PRIMARY KEY (terminal, pin, device_time, verify)"),
            std::string::npos);
}

TEST(PgRows, MapsEveryField) {
  PunchRow r = MapPunch(SamplePunch(), 9);
  EXPECT_EQ(r.terminal, "A6F1190360012");
  EXPECT_EQ(r.pin, "1001");
  EXPECT_EQ(CivilLiteral(r.device_time), "2026-11-02 07:31:00");
  EXPECT_EQ(r.verify, 15u);
  EXPECT_EQ(r.status, 1u);
  EXPECT_EQ(r.workcode, 7u);
  EXPECT_EQ(r.unit, "kec-sekernan");
  EXPECT_EQ(r.epoch, 18446744073709551615ull);
  EXPECT_EQ(r.seq, 42u);
  EXPECT_EQ(r.sink_seq, 9u);
  EXPECT_EQ(r.source, static_cast<int>(wire::SOURCE_USB));
  EXPECT_TRUE(r.clock_synced);
}

TEST(PgRows, TimestampLiterals) {
  EXPECT_EQ(UtcMsLiteral(0), "1970-01-01 00:00:00.000+00");
  EXPECT_EQ(UtcMsLiteral(1'793'000'000'123), "2026-10-26 07:33:20.123+00");
  EXPECT_EQ(UtcMsLiteral(-1), "1969-12-31 23:59:59.999+00");
}

TEST(PgRows, PunchInsertIsIdempotentOnTheNaturalKeyAndQuotes) {
  wire::Punch odd = SamplePunch();
  odd.set_pin("10'01");
  std::vector<PunchRow> rows = {MapPunch(SamplePunch(), 1), MapPunch(odd, 2)};
  std::string sql = PunchInsertSql(rows, "bkpsdm", TestQuote);
  EXPECT_NE(sql.find("ON CONFLICT (terminal, pin, device_time, verify) DO NOTHING"),
            std::string::npos);
  EXPECT_NE(sql.find("'10''01'"), std::string::npos);  // quoted through the connection's quote
  EXPECT_NE(sql.find("'2026-11-02 07:31:00'"), std::string::npos);
  EXPECT_NE(sql.find("18446744073709551615"), std::string::npos);
  EXPECT_NE(sql.find(",NULL,"), std::string::npos);       // stored_at unknown
  EXPECT_EQ(std::count(sql.begin(), sql.end(), '('), 4);  // column list, two rows, ON CONFLICT
}

TEST(PgRows, RecapDaysTouchedIncludeTheDayBeforeAndUseTheRosterUnit) {
  auto roster = ParseRoster("setda,T-SETDA,1,198503152010011002,Budi\n", "r.csv");
  ASSERT_TRUE(roster.ok());
  wire::Punch a = SamplePunch();  // unknown terminal: the gateway's unit
  wire::Punch b = SamplePunch();
  b.set_terminal("T-SETDA");  // roster says setda, whatever the gateway says
  b.set_device_time(Civil("2026-11-03T23:59:59"));
  wire::Punch c = SamplePunch();
  c.set_unit("");
  c.set_terminal("T-NOWHERE");  // no unit at all: no recap
  auto days = RecapDaysTouched({MapPunch(a, 1), MapPunch(b, 2), MapPunch(c, 3)}, *roster);
  std::set<UnitDay> want = {{"kec-sekernan", Civil("2026-11-01T00:00:00")},
                            {"kec-sekernan", Civil("2026-11-02T00:00:00")},
                            {"setda", Civil("2026-11-02T00:00:00")},
                            {"setda", Civil("2026-11-03T00:00:00")}};
  EXPECT_EQ(days, want);
}

TEST(PgRows, RecapUpsertUpdatesOnUnitDatePerson) {
  RecapRow r;
  r.date = Civil("2026-11-02T00:00:00");
  r.unit = "setda";
  r.terminal = "T-SETDA";
  r.pin = "1";
  r.nip = "198503152010011002";
  r.name = "Budi";
  r.masuk = Civil("2026-11-02T07:31:00");
  r.telat_menit = 1;
  r.kode_tl = 1;
  r.status = DayStatus::kHadir;
  r.jumlah_scan = 1;
  std::string sql = RecapUpsertSql({r}, "bkpsdm", TestQuote);
  EXPECT_NE(sql.find("ON CONFLICT (unit, date, terminal, pin) DO UPDATE"), std::string::npos);
  EXPECT_NE(sql.find("'2026-11-02','T-SETDA','1'"), std::string::npos);
  EXPECT_NE(sql.find("'H','2026-11-02 07:31:00',NULL,1,'TL1',0,NULL,1,false"), std::string::npos)
      << sql;
}

TEST(PgCursor, ResumesAfterTheStoredSeqOfTheSameStoreOnly) {
  EXPECT_EQ(ResumeAfter(std::nullopt, 7), 0u);
  EXPECT_EQ(ResumeAfter(Cursor{7, 1200}, 7), 1200u);
  EXPECT_EQ(ResumeAfter(Cursor{8, 1200}, 7), 0u);  // the store was rebuilt: start over
  EXPECT_EQ(Lag(1500, 1200), 300u);
  EXPECT_EQ(Lag(100, 1200), 0u);
}

TEST(PgCursor, BackoffDoublesFromOneSecondToAMinute) {
  using std::chrono::milliseconds;
  milliseconds b{0};
  std::vector<int64_t> seen;
  for (int i = 0; i < 9; ++i) seen.push_back((b = NextBackoff(b)).count());
  EXPECT_EQ(seen,
            (std::vector<int64_t>{1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000}));
}

TEST(PgDsn, DescribedWithoutPassword) {
  std::string d = DescribeDsn("host=10.20.0.9 port=5433 dbname=titip user=bkd password=s3cret");
  EXPECT_EQ(d, "10.20.0.9:5433/titip as bkd");
  std::string u = DescribeDsn("postgresql://bkd:s3cret@db.bkpsdm:5432/titip");
  EXPECT_EQ(u.find("s3cret"), std::string::npos) << u;
  EXPECT_NE(u.find("db.bkpsdm"), std::string::npos) << u;
  EXPECT_EQ(DescribeDsn("this is = not 'valid"), "(unparsable DSN)");
}

TEST(PgMetrics, RendersPrefixedCountersAndLag) {
  ExportCounters c;
  c.exported = 10;
  c.failures = 2;
  c.lag = 5;
  c.connected = true;
  std::string m = RenderMetrics(c);
  EXPECT_NE(m.find("titip_pg_export_punches_total 10\n"), std::string::npos);
  EXPECT_NE(m.find("titip_pg_export_failures_total 2\n"), std::string::npos);
  EXPECT_NE(m.find("titip_pg_export_lag_punches 5\n"), std::string::npos);
  EXPECT_NE(m.find("titip_pg_export_connected 1\n"), std::string::npos);
}

}  // namespace
}  // namespace titip::aggregator::pg
