// Opening a store: refuse what is damaged, truncated, foreign or of another layout version with
// a message that says what to do — never crash on it, never "repair" by discarding data.
#include <sys/stat.h>

#include <filesystem>
#include <random>
#include <tuple>

#include "codec.h"
#include "store_impl.h"

namespace titip::storage {
namespace fs = std::filesystem;

Status MdbError(int rc, std::string_view what) {
  std::string msg = std::string(what) + ": " + mdb_strerror(rc);
  switch (rc) {
    case MDB_INVALID:
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_VERSION_MISMATCH:
    case MDB_INCOMPATIBLE:
      return Status::Corruption(msg);
    case MDB_MAP_FULL:
      return Status::StoreFull(msg);
    default:
      return Status::IoError(msg);
  }
}

Store::Impl::~Impl() {
  if (env) mdb_env_close(env);
}

Status Store::Impl::OpenEnv() {
  fs::path data = fs::path(opts.dir) / "data.mdb";
  std::error_code ec;
  bool exists = fs::exists(data, ec);
  if (!exists && (opts.read_only || !opts.create_if_missing)) {
    return Status::NotFound("no titip store in " + opts.dir);
  }
  if (!exists) {
    fs::create_directories(opts.dir, ec);
    if (ec) return Status::IoError("cannot create " + opts.dir + ": " + ec.message());
  }
  uint64_t file_size = exists ? fs::file_size(data, ec) : 0;
  // Zero bytes: LMDB created the file but died before its first write; nothing in it was ever
  // acknowledged, and LMDB initialises an empty file like a new one.
  if (exists && file_size > 0 && file_size < 2 * 4096) {
    return Status::Corruption(data.string() + " is truncated (" + std::to_string(file_size) +
                              " bytes): not a usable store");
  }
  int rc = mdb_env_create(&env);
  if (rc) return MdbError(rc, "mdb_env_create");
  // Named tables in use: 10 (meta .. progress, telemetry, sinklog, sinkday, seal,
  // quarantine); room for a few more.
  mdb_env_set_maxdbs(env, 16);
  mdb_env_set_maxreaders(env, 256);
  map_size = std::max<size_t>(opts.initial_map_bytes, file_size);
  map_size = std::min(map_size, std::max<size_t>(opts.map_cap_bytes, file_size));
  if ((rc = mdb_env_set_mapsize(env, map_size))) return MdbError(rc, "mdb_env_set_mapsize");
  // MDB_NOTLS: read transactions are short and may run on any thread. No NOSYNC/WRITEMAP:
  // both trade acknowledged punches for speed (PITFALLS).
  unsigned flags = MDB_NOTLS | (opts.read_only ? MDB_RDONLY : 0);
  if (!opts.sync) flags |= MDB_NOSYNC;
  rc = mdb_env_open(env, opts.dir.c_str(), flags, 0640);
  if (rc) return MdbError(rc, "cannot open store " + opts.dir);
  MDB_envinfo info;
  MDB_stat st;
  mdb_env_info(env, &info);
  mdb_env_stat(env, &st);
  map_size = info.me_mapsize;
  uint64_t needed = (info.me_last_pgno + 1) * static_cast<uint64_t>(st.ms_psize);
  if (exists && file_size > 0 && file_size < needed) {
    return Status::Corruption(data.string() + " is truncated: " + std::to_string(file_size) +
                              " bytes, its own header says " + std::to_string(needed));
  }
  int dead = 0;
  mdb_reader_check(env, &dead);
  return Status::Ok();
}

namespace {
uint64_t RandomEpoch() {
  std::random_device rd;
  uint64_t e = 0;
  while (e == 0) e = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return e;
}
}  // namespace

Status Store::Impl::LoadOrInitMeta() {
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env, nullptr, opts.read_only ? MDB_RDONLY : 0, &txn);
  if (rc) return MdbError(rc, "begin on store " + opts.dir);
  unsigned cflag = opts.read_only ? 0 : MDB_CREATE;
  const std::pair<const char*, MDB_dbi*> tables[] = {{"meta", &meta},
                                                     {"punch", &punch},
                                                     {"natural", &natural},
                                                     {"queue", &queue},
                                                     {"progress", &progress}};
  for (auto& [name, dbi] : tables) {
    rc = mdb_dbi_open(txn, name, cflag, dbi);
    if (rc) {
      mdb_txn_abort(txn);
      if (rc == MDB_NOTFOUND) {
        return Status::Corruption(opts.dir + " is not a titip store (table '" + name +
                                  "' missing)");
      }
      return MdbError(rc, std::string("open table ") + name + " of store " + opts.dir);
    }
  }
  // Never created here: this transaction may be read-only, and a write that fills the map
  // would fail the whole open. Missing is normal for stores made before the table existed.
  const std::tuple<const char*, MDB_dbi*, bool*> optional[] = {
      {kTelemetryTable, &telemetry, &has_telemetry},
      {kSealTable, &seal, &has_seal},
      {kQuarantineTable, &quarantine, &has_quarantine}};
  for (auto& [name, dbi, has] : optional) {
    rc = mdb_dbi_open(txn, name, 0, dbi);
    *has = rc == 0;
    if (rc && rc != MDB_NOTFOUND) {
      mdb_txn_abort(txn);
      return MdbError(rc, std::string("open table ") + name + " of store " + opts.dir);
    }
  }
  if (Status sd = OpenSinkDay(txn); !sd.ok()) {
    mdb_txn_abort(txn);
    return sd;
  }
  uint64_t version = 0;
  Status s = GetMetaU64(txn, "layout_version", &version);
  MDB_stat pst;
  mdb_stat(txn, punch, &pst);
  if (s.code() == Code::kNotFound && !opts.read_only && pst.ms_entries == 0) {
    SetWriteTxn(txn);
    epoch = opts.new_store_epoch != 0 ? opts.new_store_epoch : RandomEpoch();
    node_id = opts.node_id;
    for (auto& [k, v] : {std::pair<const char*, uint64_t>{"layout_version", kLayoutVersion},
                         {"epoch", epoch},
                         {"next_seq", 1},
                         {"next_qseq", 1},
                         {"queued_bytes", 0},
                         {"created_at_ms", static_cast<uint64_t>(clock.Wall().count())}}) {
      if (!(s = PutMetaU64(k, v)).ok()) break;
    }
    if (s.ok()) s = Put(meta, "node_id", node_id);
    SetWriteTxn(nullptr);
    if (!s.ok()) {
      mdb_txn_abort(txn);
      return s;
    }
    rc = mdb_txn_commit(txn);
    if (rc) return MdbError(rc, "commit new store " + opts.dir);
    return CreateOptionalTables();
  }
  std::string_view id;
  bool found = false;
  if (s.ok()) s = GetMetaU64(txn, "epoch", &epoch);
  if (s.ok()) s = Get(txn, meta, "node_id", &id, &found);
  if (s.ok()) node_id = std::string(id);
  mdb_txn_commit(txn);  // keeps the table handles
  if (s.code() == Code::kNotFound || (s.ok() && !found)) {
    return Status::Corruption(opts.dir + " has no titip version record: not a titip store");
  }
  if (!s.ok()) return s;
  // A v1 store differs only in its natural table's key order: only the write path looks keys up
  // there, and a writable open rewrites the table (MigrateNaturalIndex) before it is used.
  natural_v1 = version == 1;
  if (version != kLayoutVersion && !natural_v1) {
    return Status::Precondition(opts.dir + " has store layout version " + std::to_string(version) +
                                "; this build reads version " + std::to_string(kLayoutVersion));
  }
  if (!opts.node_id.empty() && opts.node_id != node_id) {
    return Status::Precondition("store in " + opts.dir + " belongs to node '" + node_id +
                                "', config says '" + opts.node_id +
                                "'; use another state_dir or fix node.id");
  }
  // Only now, with the store known to be ours and of this layout: adding a table is backward
  // compatible (older builds ignore it), so kLayoutVersion stays.
  if (!opts.read_only) return CreateOptionalTables();
  return Status::Ok();
}

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options, const Clock& clock) {
  auto impl = std::make_unique<Impl>(options, clock);
  // A writer must know who it is: its punches carry its id as origin.
  if (!options.read_only && options.node_id.empty()) {
    return Status::Invalid("node id required to open a store for writing");
  }
  Status s = impl->OpenEnv();
  if (s.ok()) s = impl->LoadOrInitMeta();
  if (s.ok()) s = impl->OpenSinkLog();
  if (s.ok() && !options.read_only && impl->natural_v1) s = impl->MigrateNaturalIndex();
  if (s.ok() && !options.read_only) s = impl->BuildSinkDay();
  if (!s.ok()) return s;
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;
uint64_t Store::epoch() const { return impl_->epoch; }
const std::string& Store::node_id() const { return impl_->node_id; }
const StoreOptions& Store::options() const { return impl_->opts; }

Status Store::Health() const {
  std::lock_guard lock(impl_->health_mu);
  return impl_->health;
}

int Store::ClearStaleReaders() {
  int dead = 0;
  mdb_reader_check(impl_->env, &dead);
  return dead;
}

}  // namespace titip::storage
