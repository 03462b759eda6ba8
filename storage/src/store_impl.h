// Private state of a Store and the small LMDB helpers its parts share.
#pragma once

#include <google/protobuf/message_lite.h>
#include <lmdb.h>

#include <array>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "titip/storage/store.h"

namespace titip::storage {

inline MDB_val Val(std::string_view s) { return MDB_val{s.size(), const_cast<char*>(s.data())}; }
inline std::string_view View(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}
Status MdbError(int rc, std::string_view what);

// Latest wire::Telemetry per node. Key: node id; value: [u64 BE received_at ms][serialized].
inline constexpr char kTelemetryTable[] = "telemetry";
// Sink arrival log (sink_log.cc). Key: u64 BE sink sequence; value: EncodePunchKey.
inline constexpr char kSinkLogTable[] = "sinklog";
// Sink: stored punches by device day (sink_day.cc). Key: [u32 BE day][NaturalKey]; value: the
// encoded PunchKey. meta "sinkday_ready" once every stored punch is in it.
inline constexpr char kSinkDayTable[] = "sinkday";
// Relay: origin seals it carries (seal_store.cc). Key: stream prefix + u64 BE last_seq +
// u64 BE first_seq; value: serialized wire::Seal.
inline constexpr char kSealTable[] = "seal";
// Sink: punches that failed origin verification (quarantine.cc). Key: stream prefix + u64 BE
// seq + 16-byte digest of the copy received; value: serialized wire::Quarantined.
inline constexpr char kQuarantineTable[] = "quarantine";

class Store::Impl {
 public:
  explicit Impl(const StoreOptions& o, const Clock& c) : opts(o), clock(c) {}
  ~Impl();

  Status OpenEnv();
  Status LoadOrInitMeta();
  // Opens the sink log; a writer creates it in an older store and backfills it (sink_log.cc).
  Status OpenSinkLog();
  // Inside the write transaction: appends `key` (EncodePunchKey) to the sink log. `*last`, when
  // set, is the log's last sequence in this transaction (kept by the caller across appends so
  // a bundle costs one lookup of the tail, not one per punch); it is read and updated.
  Status AppendSinkLog(std::string_view key, std::optional<uint64_t>* last);
  // sink_day.cc: opens the day index inside the open transaction (never creates it), and on
  // a writable open creates it and backfills it from the punch table in bounded chunks.
  Status OpenSinkDay(MDB_txn* txn);
  // natural_migrate.cc: rewrites a v1 natural table time-major in bounded chunks, each its own
  // transaction; the last one sets layout_version 2. Resumes after a crash: v1 keys sort first.
  Status MigrateNaturalIndex();
  bool natural_v1 = false;  // a layout v1 store whose natural table is not yet all rewritten
  Status BuildSinkDay();
  // Inside the current write transaction: indexes a punch just stored at the sink.
  Status PutSinkDay(const wire::Punch& p, std::string_view punch_key);
  // Writers: creates a table added after layout v1 (telemetry.cc) in a store made before it
  // existed. At the map cap it leaves *has false and returns Ok: the store still opens.
  Status CreateOptionalTable(const char* name, MDB_dbi* dbi, bool* has);
  Status CreateOptionalTables();

  // Read transaction with the resize lock held shared; retries MDB_MAP_RESIZED.
  class ReadTxn {
   public:
    explicit ReadTxn(Impl* impl);
    ~ReadTxn();
    MDB_txn* get() const { return txn_; }
    const Status& status() const { return status_; }

   private:
    Impl* impl_;
    std::shared_lock<std::shared_mutex> lock_;
    MDB_txn* txn_ = nullptr;
    Status status_;
  };

  // Inside the current write transaction. Puts record MDB_MAP_FULL in map_full.
  Status Put(MDB_dbi dbi, std::string_view k, std::string_view v, unsigned flags = 0);
  // Put of `head` followed by `msg` serialized straight into the page (MDB_RESERVE), with no
  // body string in between; `*body_bytes`, when given, gets the serialized size.
  Status PutMessage(MDB_dbi dbi, std::string_view k, std::string_view head,
                    const google::protobuf::MessageLite& msg, size_t* body_bytes = nullptr,
                    unsigned flags = 0);
  Status Del(MDB_dbi dbi, std::string_view k);
  // NotFound is a value here: returns false with Ok status. Safe from any thread: it never
  // looks at wtxn, which belongs to the writer.
  Status Get(MDB_txn* txn, MDB_dbi dbi, std::string_view k, std::string_view* v, bool* found);
  // The same inside the open write transaction, through its cursor on `dbi` (WriteCursor).
  Status GetInWrite(MDB_dbi dbi, std::string_view k, std::string_view* v, bool* found);
  Status GetMetaU64(MDB_txn* txn, std::string_view key, uint64_t* v);
  Status PutMetaU64(std::string_view key, uint64_t v);

  Status Grow(size_t new_size);  // takes the resize lock exclusively
  Status AdoptForeignResize();   // another process grew the map
  // Begins a top-level transaction (`flags`: 0 or MDB_RDONLY), adopting a map another process
  // grew first. Not for WriteBatch, which holds the resize lock around its transaction.
  Status BeginTxn(unsigned flags, MDB_txn** txn);
  bool IsOwn(std::string_view origin, uint64_t e) const { return origin == node_id && e == epoch; }

  StoreOptions opts;
  const Clock& clock;
  MDB_env* env = nullptr;
  MDB_dbi meta = 0, punch = 0, natural = 0, queue = 0, progress = 0;
  // Added after layout v1 shipped: a read-only open of an older store, or a writer whose full
  // store had no room for it, runs without it. Set once in Open, read-only afterwards.
  MDB_dbi sinklog = 0;  // like telemetry: absent in an old store opened read-only
  bool has_sinklog = false;
  MDB_dbi sinkday = 0;
  bool has_sinkday = false;    // the table is open: Accept writes to it
  bool sinkday_ready = false;  // it holds every stored punch: reads may use it
  MDB_dbi telemetry = 0, seal = 0, quarantine = 0;
  bool has_telemetry = false, has_seal = false, has_quarantine = false;
  uint64_t epoch = 0;
  std::string node_id;
  size_t map_size = 0;
  std::shared_mutex resize_mu;  // shared while any txn is open in this process
  std::mutex write_mu;          // one WriteBatch at a time in this process
  MDB_txn* wtxn = nullptr;      // the open write (or nested) transaction: set via SetWriteTxn
  // Put, Get and Del inside wtxn go through one cursor per table, kept for the transaction's
  // life: consecutive keys (a bundle's seqs, the queue's qseqs, a sink commit's times) then
  // search one leaf page instead of descending from the root through the dirty-page list, as
  // mdb_put/mdb_get/mdb_del do on every call. LMDB frees write cursors when their transaction
  // ends, so every end of wtxn must come through SetWriteTxn(nullptr) (a later transaction may
  // reuse the address).
  void SetWriteTxn(MDB_txn* txn) {
    if (txn != wtxn) cursors.fill(nullptr);
    wtxn = txn;
  }
  MDB_cursor* WriteCursor(MDB_dbi dbi);
  std::array<MDB_cursor*, 20> cursors{};  // by dbi; maxdbs 16 plus LMDB's two core tables
  bool map_full = false;
  std::string value_scratch;  // the writer's buffer for rewritten punch values (write_txn.cc)
  mutable std::mutex health_mu;
  Status health;
};

// Relay: deletes the seals of stream `prefix` whose last seq is <= through (seal_store.cc).
Status PruneSeals(Store::Impl* im, const std::string& prefix, uint64_t through);

}  // namespace titip::storage
