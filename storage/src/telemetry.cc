// The latest telemetry per node (SPEC §7 "Mesh view"): one small record per node id, replaced
// as newer reports arrive, read by `titipctl mesh`. It is a snapshot, not a log: nothing here is
// acknowledged to the sender, so losing a record costs only a stale row until the next report.
#include "codec.h"
#include "store_impl.h"
#include "titip/common/civil_time.h"

namespace titip::storage {
namespace {

constexpr size_t kMaxSerialBytes = 64;  // same bound as a punch's terminal serial

Status ValidateTelemetry(const wire::Telemetry& t, int64_t received_at_ms) {
  if (!ValidNodeId(t.node())) return Status::Invalid("telemetry: bad node id");
  if (t.terminals_size() > kMaxTelemetryTerminals) {
    return Status::Invalid("telemetry of " + t.node() + ": " + std::to_string(t.terminals_size()) +
                           " terminals, at most " + std::to_string(kMaxTelemetryTerminals));
  }
  for (const auto& term : t.terminals()) {
    if (term.serial().size() > kMaxSerialBytes) {
      return Status::Invalid("telemetry of " + t.node() + ": terminal serial too long");
    }
  }
  if (t.upstreams_size() > kMaxTelemetryUpstreams) {
    return Status::Invalid("telemetry of " + t.node() + ": " + std::to_string(t.upstreams_size()) +
                           " upstreams, at most " + std::to_string(kMaxTelemetryUpstreams));
  }
  for (const auto& u : t.upstreams()) {
    if (u.id().size() > kMaxSerialBytes) {
      return Status::Invalid("telemetry of " + t.node() + ": upstream id too long");
    }
  }
  // Stored as u64: a negative time would sort after every real one and never be replaced.
  if (received_at_ms < 0) return Status::Invalid("telemetry: negative receive time");
  return Status::Ok();
}

// The replace rule (store.h, PutTelemetry). Equal times replace: two reports in the same
// millisecond arrive in order, the later one is the newer.
bool Replaces(int64_t stored_ms, int64_t received_at_ms) {
  return received_at_ms >= stored_ms || stored_ms - received_at_ms > kTelemetryFutureSlackMs;
}

}  // namespace

Status Store::Impl::CreateOptionalTables() {
  Status s = CreateOptionalTable(kTelemetryTable, &telemetry, &has_telemetry);
  if (s.ok()) s = CreateOptionalTable(kSealTable, &seal, &has_seal);
  if (s.ok()) s = CreateOptionalTable(kQuarantineTable, &quarantine, &has_quarantine);
  return s;
}

Status Store::Impl::CreateOptionalTable(const char* name, MDB_dbi* dbi, bool* has) {
  if (*has) return Status::Ok();
  for (;;) {
    MDB_txn* txn = nullptr;
    if (Status s = BeginTxn(0, &txn); !s.ok()) return s;
    int rc = mdb_dbi_open(txn, name, MDB_CREATE, dbi);
    if (rc == 0) {
      rc = mdb_txn_commit(txn);  // ends the txn either way
    } else {
      mdb_txn_abort(txn);
    }
    if (rc == 0) {
      *has = true;
      return Status::Ok();
    }
    if (rc != MDB_MAP_FULL)
      return MdbError(rc, std::string("create table ") + name + " in " + opts.dir);
    // An old store opened with its map exactly full: grow as WriteBatch would. At the cap the
    // store still opens — draining it matters more than these tables — and their writers say
    // kStoreFull until a restart finds room.
    if (map_size >= opts.map_cap_bytes) return Status::Ok();
    if (Status s = Grow(std::min(opts.map_cap_bytes, map_size * 2)); !s.ok()) return s;
  }
}

Status WriteTxn::PutTelemetry(const wire::Telemetry& t, int64_t received_at_ms) {
  Store::Impl* im = impl_;
  if (Status s = ValidateTelemetry(t, received_at_ms); !s.ok()) return s;
  if (!im->has_telemetry) {
    return Status::StoreFull("store was full when opened: no room for the telemetry table");
  }
  std::string_view old;
  bool found = false;
  if (Status s = im->GetInWrite(im->telemetry, t.node(), &old, &found); !s.ok()) return s;
  // A damaged old record (shorter than its time stamp) is overwritten: it is only a snapshot.
  if (found && old.size() >= 8 && !Replaces(static_cast<int64_t>(GetU64BE(old)), received_at_ms)) {
    return Status::Ok();
  }
  std::string value = U64Key(static_cast<uint64_t>(received_at_ms));
  if (!t.AppendToString(&value)) return Status::Invalid("telemetry does not serialize");
  return im->Put(im->telemetry, t.node(), value);
}

Status Store::ForEachTelemetry(
    const std::function<bool(const wire::Telemetry&, int64_t received_at_ms)>& fn) {
  Impl& im = *impl_;
  if (!im.has_telemetry) return Status::Ok();  // older store opened read-only: none yet
  Impl::ReadTxn rt(&im);
  if (!rt.status().ok()) return rt.status();
  MDB_cursor* cur = nullptr;
  int rc = mdb_cursor_open(rt.get(), im.telemetry, &cur);
  if (rc) return MdbError(rc, "cursor");
  MDB_val k, v;
  Status s;
  wire::Telemetry t;
  for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
    std::string_view raw = View(v);
    if (raw.size() < 8 || !t.ParseFromArray(raw.data() + 8, static_cast<int>(raw.size() - 8))) {
      s = Status::Corruption("telemetry record of '" + std::string(View(k)) + "' does not decode");
      break;
    }
    if (!fn(t, static_cast<int64_t>(GetU64BE(raw)))) break;
  }
  mdb_cursor_close(cur);
  if (s.ok() && rc && rc != MDB_NOTFOUND) s = MdbError(rc, "telemetry cursor");
  return s;
}

}  // namespace titip::storage
