// The sink's day index (SPEC §7 "indexed by unit, date and PIN"): one entry per stored punch,
// keyed by its device day, then its natural key (terminal, PIN, device time, verify), pointing
// at the punch. A recap of one day reads that day's slice instead of the whole store; a unit is
// its terminals, each a contiguous run inside the day, so other units' terminals are skipped
// with one seek each. Written in the same transaction as the punch, so it can never disagree
// with the punch table; a store made before it gets it once, on its next writable open.
#include "codec.h"
#include "store_impl.h"

namespace titip::storage {
namespace {

constexpr int64_t kDay = 86400;
constexpr size_t kBackfillChunk = 20000;  // punches per backfill transaction: bounded dirty pages
constexpr char kReadyKey[] = "sinkday_ready";
constexpr char kResumeKey[] = "sinkday_backfill_after";  // last punch key indexed

// Device times are 2000..2099 (ValidatePunchFields): the day fits a u32 and is never negative.
uint32_t DayOf(int64_t civil) { return static_cast<uint32_t>(civil / kDay); }

std::string DayPrefix(uint32_t day) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((day >> (8 * (3 - i))) & 0xff);
  return s;
}

std::string SinkDayKey(const wire::Punch& p) {
  return DayPrefix(DayOf(p.device_time())) + NaturalKey(p);
}

// The terminal serial inside an index key: [u32 day][u8 n][n bytes serial]...
bool TerminalOfKey(std::string_view key, std::string_view* terminal) {
  if (key.size() < 5) return false;
  size_t n = static_cast<uint8_t>(key[4]);
  if (key.size() < 5 + n + 1 + 16) return false;
  *terminal = key.substr(5, n);
  return true;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

Status Store::Impl::OpenSinkDay(MDB_txn* txn) {
  int rc = mdb_dbi_open(txn, kSinkDayTable, 0, &sinkday);
  has_sinkday = rc == 0;
  if (rc && rc != MDB_NOTFOUND) {
    return MdbError(rc, std::string("open table ") + kSinkDayTable + " of store " + opts.dir);
  }
  uint64_t ready = 0;
  sinkday_ready = has_sinkday && GetMetaU64(txn, kReadyKey, &ready).ok() && ready == 1;
  return Status::Ok();
}

Status Store::Impl::PutSinkDay(const wire::Punch& p, std::string_view punch_key) {
  if (!has_sinkday) return Status::Ok();  // full store opened without room for the table
  return Put(sinkday, SinkDayKey(p), punch_key);
}

// Chunked so that a million-punch store neither needs one giant transaction nor starts over
// after a crash: the resume key is committed with each chunk.
Status Store::Impl::BuildSinkDay() {
  while (!sinkday_ready) {
    MDB_txn* txn = nullptr;
    if (Status s = BeginTxn(0, &txn); !s.ok()) return s;
    int rc = 0;
    bool created = false;
    if (!has_sinkday) {
      rc = mdb_dbi_open(txn, kSinkDayTable, MDB_CREATE, &sinkday);
      if (rc) {
        mdb_txn_abort(txn);
        if (rc != MDB_MAP_FULL) return MdbError(rc, "create table sinkday in " + opts.dir);
      }
      created = rc == 0;
    }
    Status s = rc ? MdbError(rc, "create table sinkday") : Status::Ok();
    bool done = false;
    if (rc == 0) {
      SetWriteTxn(txn);
      map_full = false;
      has_sinkday = true;  // for PutSinkDay; undone below if this transaction fails
      std::string after;
      std::string_view raw;
      bool found = false;
      s = Get(txn, meta, kResumeKey, &raw, &found);
      if (s.ok() && found) after = std::string(raw);
      MDB_cursor* cur = nullptr;
      if (s.ok() && (rc = mdb_cursor_open(txn, punch, &cur))) s = MdbError(rc, "cursor");
      std::string last;
      size_t n = 0;
      if (s.ok()) {
        MDB_val k = Val(after), v;
        rc = mdb_cursor_get(cur, &k, &v, after.empty() ? MDB_FIRST : MDB_SET_RANGE);
        if (rc == 0 && !after.empty() && View(k) == after)
          rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
        wire::Punch p;
        for (; rc == 0 && n < kBackfillChunk && s.ok();
             rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
          PunchValue pv;
          if (!DecodePunchValue(View(v), &pv)) {
            s = Status::Corruption("damaged punch record while building the day index");
            break;
          }
          last = std::string(View(k));
          ++n;
          if (pv.state != PunchState::kStored || pv.body.empty()) continue;
          if (!p.ParseFromArray(pv.body.data(), static_cast<int>(pv.body.size()))) {
            s = Status::Corruption("punch record does not decode while building the day index");
            break;
          }
          s = PutSinkDay(p, View(k));
        }
        if (s.ok() && rc && rc != MDB_NOTFOUND) s = MdbError(rc, "punch cursor");
        done = s.ok() && rc == MDB_NOTFOUND;
        mdb_cursor_close(cur);
      }
      if (s.ok() && done) s = PutMetaU64(kReadyKey, 1);
      if (s.ok() && done && found) s = Del(meta, kResumeKey);
      if (s.ok() && !done && !last.empty()) s = Put(meta, kResumeKey, last);
      SetWriteTxn(nullptr);
      if (s.ok()) {
        rc = mdb_txn_commit(txn);
        if (rc) s = MdbError(rc, "commit day index");
      } else {
        mdb_txn_abort(txn);
      }
      if (!s.ok() && created) has_sinkday = false;  // the aborted txn took the handle with it
    }
    if (s.ok()) {
      sinkday_ready = done;
      continue;
    }
    if (s.code() != Code::kStoreFull) return s;
    // Full: grow as WriteBatch would. At the cap the store still opens without the index
    // (reads scan instead) and the next open with room finishes it.
    if (map_size >= opts.map_cap_bytes) return Status::Ok();
    if (Status g = Grow(std::min(opts.map_cap_bytes, map_size * 2)); !g.ok()) return g;
  }
  return Status::Ok();
}

bool Store::HasDayIndex() const { return impl_->sinkday_ready; }

Status Store::ForEachPunchOnDays(int64_t first_day, int64_t last_day,
                                 const TerminalFilter& keep_terminal,
                                 const std::function<bool(const wire::Punch&)>& fn) {
  Impl& im = *impl_;
  const uint32_t lo = DayOf(first_day), hi = DayOf(last_day);
  if (!im.sinkday_ready) {
    return ForEachPunch([&](const wire::Punch& p, PunchState st) {
      uint32_t d = DayOf(p.device_time());
      if (st != PunchState::kStored || d < lo || d > hi) return true;
      if (keep_terminal && !keep_terminal(p.terminal())) return true;
      return fn(p);
    });
  }
  std::string last_terminal;
  bool last_keep = true;
  wire::Punch p;
  // One short read transaction per day: a month's recap never pins old pages for long.
  for (uint32_t day = lo; day <= hi; ++day) {
    Impl::ReadTxn rt(&im);
    if (!rt.status().ok()) return rt.status();
    MDB_cursor* cur = nullptr;
    int rc = mdb_cursor_open(rt.get(), im.sinkday, &cur);
    if (rc) return MdbError(rc, "cursor");
    const std::string prefix = DayPrefix(day);
    std::string seek = prefix;
    MDB_val k = Val(seek), v;
    Status s;
    bool stop = false;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && StartsWith(View(k), prefix);) {
      std::string_view terminal;
      if (!TerminalOfKey(View(k), &terminal)) {
        s = Status::Corruption("damaged day index entry");
        break;
      }
      if (terminal != last_terminal) {
        last_terminal = std::string(terminal);
        last_keep = !keep_terminal || keep_terminal(terminal);
      }
      if (!last_keep) {  // past this terminal's run: PIN lengths are below 0xff
        seek = prefix + static_cast<char>(terminal.size()) + std::string(terminal) + '\xff';
        k = Val(seek);
        rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
        continue;
      }
      std::string_view raw;
      bool found = false;
      PunchValue pv;
      if (!(s = im.Get(rt.get(), im.punch, View(v), &raw, &found)).ok()) break;
      if (!found || !DecodePunchValue(raw, &pv) || pv.state != PunchState::kStored ||
          !p.ParseFromArray(pv.body.data(), static_cast<int>(pv.body.size()))) {
        s = Status::Corruption("day index points at a missing or damaged punch");
        break;
      }
      if (!fn(p)) {
        stop = true;
        break;
      }
      rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    if (s.ok() && rc && rc != MDB_NOTFOUND) s = MdbError(rc, "day index cursor");
    if (!s.ok() || stop) return s;
  }
  return Status::Ok();
}

Status Store::CheckDayIndex() {
  Impl& im = *impl_;
  if (!im.has_sinkday) return Status::Ok();
  Impl::ReadTxn rt(&im);
  if (!rt.status().ok()) return rt.status();
  MDB_cursor* cur = nullptr;
  int rc = mdb_cursor_open(rt.get(), im.sinkday, &cur);
  if (rc) return MdbError(rc, "cursor");
  MDB_val k, v;
  Status s;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    std::string_view terminal;
    if (!TerminalOfKey(View(k), &terminal) || !DecodePunchKey(View(v))) {
      s = Status::Corruption("damaged day index entry");
      break;
    }
  }
  mdb_cursor_close(cur);
  if (s.ok() && rc && rc != MDB_NOTFOUND) s = MdbError(rc, "day index cursor");
  return s;
}

}  // namespace titip::storage
