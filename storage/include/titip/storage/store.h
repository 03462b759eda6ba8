// The durable punch store: one LMDB environment per node. It holds the node's own punches (as
// origin), punches in transit (as relay) and the final copy (as sink), indexed by
// (origin, epoch, seq) and by the natural key. Nothing here is acknowledged to anyone before
// mdb_txn_commit returned OK; after a failed commit the store refuses all writes (sticky).
//
// Thread-safety: a Store may be used from several threads; write transactions are serialised
// (one writer at a time, also across processes — LMDB's writer lock), read transactions are
// short and concurrent. Open each directory once per process.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "titip.pb.h"
#include "titip/common/clock.h"
#include "titip/common/status.h"

namespace titip::storage {

// v2: the natural table is keyed time-major (storage/src/codec.h). A writable open of a v1
// store rewrites that table once (natural_migrate.cc); older builds refuse a v2 store.
inline constexpr uint32_t kLayoutVersion = 2;
// Telemetry bounds (WriteTxn::PutTelemetry): a node has a handful of terminals; 64 leaves room
// and keeps one record a few KiB. A day covers any NTP correction; beyond it the clock was wrong.
inline constexpr int kMaxTelemetryTerminals = 64;
inline constexpr int kMaxTelemetryUpstreams = 16;  // a node lists 1-3 upstreams in practice
inline constexpr int64_t kTelemetryFutureSlackMs = 24 * 3600 * 1000LL;

struct PunchKey {
  std::string origin;
  uint64_t epoch = 0;
  uint64_t seq = 0;
  bool operator==(const PunchKey&) const = default;
  auto operator<=>(const PunchKey&) const = default;
};

enum class PunchState : uint8_t {
  kQueued = 1,     // waiting to be handed to an upstream
  kInCustody = 2,  // an upstream committed it; origin still waits for the sink's receipt
  kDelivered = 3,  // origin: the sink's receipt covers it
  kStored = 4,     // sink: the final copy
  kAlias = 5,      // sink: same natural key as an earlier punch; its identity is remembered
  kForwarded = 6,  // relay: handed on; only the identity is kept, to drop late retransmits
};
const char* StateName(PunchState s);

enum class Role { kOrigin, kRelay, kSink };

struct StoreOptions {
  std::string dir;                      // created if missing (when create_if_missing)
  std::string node_id;                  // must match the id recorded at creation
  size_t initial_map_bytes = 8u << 20;  // map grows by doubling from here on MDB_MAP_FULL
  // Past this, intake is refused (kStoreFull). Custody marks, receipts and pruning may still
  // grow the file up to twice the cap: LMDB copies the pages it changes, so freeing space
  // needs free pages first. Budget 2x the cap on disk.
  size_t map_cap_bytes = 4ull << 30;
  bool read_only = false;  // titipctl: MDB_RDONLY, short transactions
  bool create_if_missing = true;
  bool sync = true;  // false only for the simulator: MDB_NOSYNC (a process crash keeps every
                     // commit; an OS crash may not)
  // The epoch a store created by this open takes; 0 (daemons, titipctl) draws it from the
  // system's random source. Set only by the simulator, whose runs must replay from their seed:
  // a random epoch changes how well zstd packs a bundle, so the bytes on its virtual wire.
  // Ignored when the store exists: its epoch is on disk.
  uint64_t new_store_epoch = 0;
};

struct Counters {
  uint64_t punches = 0;          // records in the punch table (any state)
  uint64_t queued = 0;           // not yet in custody upstream
  uint64_t undelivered = 0;      // own punches without the sink's receipt
  uint64_t queued_bytes = 0;     // encoded size of queued punches
  int64_t oldest_queued_ms = 0;  // received_at of the oldest queued punch; 0 when none
  // Origin: received_at of the first own punch the sink's receipt does not cover (everything
  // received before it is delivered); 0 when all are delivered. Feeds complete_through.
  int64_t oldest_undelivered_ms = 0;
  uint64_t map_used_bytes = 0;  // high-water mark of the data file
  uint64_t map_size_bytes = 0;
  uint64_t map_cap_bytes = 0;
  int64_t last_receipt_ms = 0;  // origin: wall time a receipt last advanced; 0 = never
};

// A queued punch as the forwarding engine sees it.
struct QueuedPunch {
  uint64_t qseq = 0;  // position in the forwarding queue
  wire::Punch punch;
};

struct IntakeOutcome {
  uint64_t added = 0;
  uint64_t duplicates = 0;
  uint64_t rejected = 0;                // invalid fields; never stored
  uint64_t quarantined = 0;             // sink: failed origin verification, kept apart
  std::vector<wire::Receipt> receipts;  // sink only: receipts for the origins touched
  // Accept at a relay or gateway: per punch given, the queue seq it now waits under, 0 when
  // it was not queued (duplicate, rejected). Lets the engine forward what it has just
  // committed without reading it back (Engine::TakeCommitted).
  std::vector<uint64_t> qseqs;
};

// Sink: a punch that failed origin verification (titip/relay/origin_seal.h), to keep apart.
struct QuarantineEntry {
  wire::Punch punch;
  std::string reason;  // no_key, no_seal, bad_seal, bad_signature, digest_mismatch
  std::string via;     // node id of the peer that handed it over
  std::string digest;  // of the copy received: the same copy arriving twice is kept once
};

class WriteTxn;

// One unit of work for a write transaction. `intake` ops are refused first when the store is
// full, so that custody marks and receipts (which free space) still go through.
struct WriteOp {
  bool intake = false;
  size_t size_hint = 0;  // bytes, for batch bounds
  // Runs inside the transaction. May run more than once (retry after the map grew): it must
  // reset whatever it reports before writing it.
  std::function<Status(WriteTxn&)> apply;
};

class Store {
 public:
  // Opens (or creates) the store. Refuses damaged, truncated or foreign files with
  // kCorruption / kFailedPrecondition and a message saying what to do; never crashes on them.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options, const Clock& clock);
  // Walks every record in a child process so that a damaged page can at worst kill the child.
  // Call before Open in daemons. Ok when the directory holds no store yet.
  static Status Verify(const std::string& dir);

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  uint64_t epoch() const;
  const std::string& node_id() const;
  const StoreOptions& options() const;
  // Sticky: the first failed commit, or Ok.
  Status Health() const;

  // Runs ops in ONE write transaction and commits. Each op's Status is written to
  // (*results)[i]; the return value is the commit's Status (which applies to every op that
  // returned Ok). Handles MDB_MAP_FULL (grow up to the cap, then refuse intake ops) and
  // MDB_MAP_RESIZED. Used by the GroupCommitter and, with one op, by tools.
  Status WriteBatch(std::vector<WriteOp*>& ops, std::vector<Status>* results);
  // Convenience: one op, one commit.
  Status Write(WriteOp op);

  // ---- reads: each a short read transaction ----
  Result<Counters> GetCounters();
  Result<std::vector<QueuedPunch>> FetchQueued(uint64_t after_qseq, size_t max_punches,
                                               size_t max_bytes);
  // The same, parsed into (*buf)[0, n), and returns n. *buf grows as needed and never shrinks:
  // the elements past n are spares, and the next call parses into them again. A sender that
  // passes one vector for every bundle allocates nothing once its strings have grown (a punch
  // parsed fresh costs ~5 allocations, most of FetchQueued's time).
  Result<size_t> FetchQueuedInto(uint64_t after_qseq, size_t max_punches, size_t max_bytes,
                                 std::vector<QueuedPunch>* buf);
  // Walks the queue table without parsing punch bodies (ForEachPunch does that): every entry
  // must name a stored punch. Returns the number of entries. For Verify's start-up scan.
  Result<uint64_t> CheckQueue();
  // Visits every stored punch (not aliases/tombstones) in key order; stop by returning false.
  Status ForEachPunch(const std::function<bool(const wire::Punch&, PunchState)>& fn);
  Result<std::optional<PunchState>> GetState(const PunchKey& key);
  // Origin: the receipt recorded for our own epoch. Sink: contiguous stored-through for key.
  Result<uint64_t> Through(const std::string& origin, uint64_t epoch);
  // Visits the latest telemetry of every node (see WriteTxn::PutTelemetry) in node id order
  // (bytewise), with the wall time the record was received; stop by returning false. A store
  // made before the telemetry table existed, opened read-only, simply has none (Ok, no calls).
  Status ForEachTelemetry(
      const std::function<bool(const wire::Telemetry&, int64_t received_at_ms)>& fn);
  // Sink: the arrival log (sink_log.cc). Every punch the sink stored, numbered 1, 2, ... in the
  // order its transaction committed. Visits up to `max` stored punches with sequence >
  // `after_seq`, ascending, in one short read transaction; stop early by returning false.
  // *last_seq (optional) gets the highest sequence in the log (0 when empty). A store made
  // before the log existed, opened read-only, has an empty log (Ok, no calls). Corruption when
  // a log entry names a punch that is not stored (never expected: the sink never prunes).
  Status ForEachStoredSince(uint64_t after_seq, size_t max,
                            const std::function<bool(uint64_t seq, const wire::Punch&)>& fn,
                            uint64_t* last_seq = nullptr);
  // Sink: every stored punch whose device date (terminal local time) lies in
  // [first_day, last_day] (civil seconds; any time in the day names the day), skipping the
  // terminals `keep_terminal` refuses (null: all). Uses the day index (sink_day.cc) when the
  // store has a complete one, else falls back to one pass over the punch table (a store made
  // before the index, opened read-only) — same punches either way, order unspecified.
  using TerminalFilter = std::function<bool(std::string_view terminal)>;
  Status ForEachPunchOnDays(int64_t first_day, int64_t last_day,
                            const TerminalFilter& keep_terminal,
                            const std::function<bool(const wire::Punch&)>& fn);
  // True when ForEachPunchOnDays reads the day index (false: it scans).
  bool HasDayIndex() const;
  // Verify: walks the day index and checks each entry's shape.
  Status CheckDayIndex();
  // Relay: the stored seals covering these punches (each seal once), for the bundle that
  // carries them upstream. Punches no seal covers (unsigned origins) need none.
  Result<std::vector<wire::Seal>> SealsFor(const std::vector<wire::Punch>& punches);
  // Sink: every quarantined punch in key order (origin, epoch, seq); stop by returning false.
  Status ForEachQuarantined(const std::function<bool(const wire::Quarantined&)>& fn);
  // Clears reader slots left by killed processes (mdb_reader_check); returns how many.
  int ClearStaleReaders();

  class Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Mutations available inside a write transaction.
class WriteTxn {
 public:
  // Origin intake: stamps origin, epoch and the next seq on each punch not already present by
  // natural key, and queues it. `punches` are updated in place with their identity.
  Status AppendLocal(std::vector<wire::Punch>* punches, IntakeOutcome* out);
  // Receiving a bundle. Relay: stores and queues unknown identities. Sink: stores once by
  // identity and by natural key, and fills out->receipts for every origin/epoch touched.
  Status Accept(const std::vector<wire::Punch>& punches, Role role, IntakeOutcome* out);
  // An upstream committed these: origin keeps them (kInCustody), relay keeps a tombstone.
  Status MarkInCustody(const std::vector<PunchKey>& keys);
  // Origin: the sink stored everything of (origin, epoch) through `through`.
  Status ApplyReceipt(const wire::Receipt& receipt);
  // Aggregator: keeps `t` as the latest telemetry of node t.node(), received at wall time
  // `received_at_ms`. Replaces the stored record when received_at_ms >= its time; an older
  // one is ignored (Ok) — unless the stored time is more than kTelemetryFutureSlackMs ahead of
  // received_at_ms: then our clock stepped back a long way and the stored stamp is the wrong
  // one, and keeping it would freeze the node's row until the clock caught up. kInvalidArgument
  // for a bad node id, more than kMaxTelemetryTerminals terminals or kMaxTelemetryUpstreams
  // upstreams, a serial or upstream id over 64 bytes or a negative time; kStoreFull when the store
  // was full when opened and has no telemetry table. The first record of a node grows the store:
  // run it in an op with `intake = true`.
  Status PutTelemetry(const wire::Telemetry& t, int64_t received_at_ms);
  // Relay: keeps origin seals so they travel on with the punches they cover (replacing one
  // with the same range). Prunes them once the sink's receipt covers them (ApplyReceipt).
  // kStoreFull when the store was full when opened and has no seal table.
  Status PutSeals(const std::vector<wire::Seal>& seals);
  // Sink: keeps punches that failed origin verification apart from the genuine ones, once
  // per (identity, digest) — a retransmitted copy only counts up `times`. *added: new ones.
  Status Quarantine(const std::vector<QuarantineEntry>& entries, uint64_t* added);
  // Origin: puts every own punch that is in custody upstream but not covered by the receipt
  // back on the queue (new queue positions), so it is offered again. *requeued says how many.
  Status RequeueUnreceipted(uint64_t* requeued);
  // Origin: deletes up to `max` delivered punch bodies, oldest first (natural-key index kept,
  // so a terminal that re-sends them is still recognised). Returns how many were deleted.
  Status PruneDelivered(size_t max, uint64_t* pruned);

 private:
  friend class Store;
  friend class Store::Impl;
  explicit WriteTxn(Store::Impl* impl) : impl_(impl) {}
  Store::Impl* impl_;
};

// Natural key bytes of a punch (SPEC §4): terminal, PIN, device time, verify.
std::string NaturalKey(const wire::Punch& p);
std::string EncodePunchKey(const PunchKey& k);
std::optional<PunchKey> DecodePunchKey(std::string_view bytes);
PunchKey KeyOf(const wire::Punch& p);
// Field bounds checked before a punch may be stored (lengths keep LMDB keys < 511 bytes).
Status ValidatePunchFields(const wire::Punch& p);

}  // namespace titip::storage
