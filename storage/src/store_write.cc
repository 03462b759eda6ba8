// The write path: one LMDB transaction per batch of ops, each op in a nested transaction so a
// failing op leaves no partial writes. MDB_MAP_FULL grows the map up to the cap; at the cap,
// intake ops are refused and the rest (custody marks, receipts, pruning) retried alone; those
// may overdraw the map up to twice the cap, because copy-on-write needs fresh pages to free
// any. A failed commit makes the store refuse every later write (sticky), since it can no longer
// prove what is on disk.
#include <cstring>

#include "codec.h"
#include "store_impl.h"

namespace titip::storage {
namespace {

// Bytes in the pages the tables use now (free pages excluded), as `txn` sees them.
uint64_t LiveBytes(const Store::Impl& im, MDB_txn* txn) {
  uint64_t pages = 2;  // the meta pages
  MDB_stat st{};
  const MDB_dbi kFreeDbi = 0, kMainDbi = 1;
  std::vector<MDB_dbi> dbis{kFreeDbi,   kMainDbi, im.meta,    im.punch,
                            im.natural, im.queue, im.progress};
  if (im.has_telemetry) dbis.push_back(im.telemetry);
  if (im.has_sinkday) dbis.push_back(im.sinkday);
  if (im.has_seal) dbis.push_back(im.seal);
  if (im.has_quarantine) dbis.push_back(im.quarantine);
  for (MDB_dbi dbi : dbis) {
    if (mdb_stat(txn, dbi, &st) == 0) {
      pages += st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages;
    }
  }
  return pages * st.ms_psize;
}

}  // namespace

MDB_cursor* Store::Impl::WriteCursor(MDB_dbi dbi) {
  if (!wtxn || dbi >= cursors.size()) return nullptr;
  if (!cursors[dbi] && mdb_cursor_open(wtxn, dbi, &cursors[dbi]) != 0) cursors[dbi] = nullptr;
  return cursors[dbi];
}

Status Store::Impl::Put(MDB_dbi dbi, std::string_view k, std::string_view v, unsigned flags) {
  MDB_val key = Val(k), val = Val(v);
  MDB_cursor* cur = WriteCursor(dbi);
  int rc = cur ? mdb_cursor_put(cur, &key, &val, flags) : mdb_put(wtxn, dbi, &key, &val, flags);
  if (rc == MDB_MAP_FULL) map_full = true;
  return rc ? MdbError(rc, "put") : Status::Ok();
}

Status Store::Impl::PutMessage(MDB_dbi dbi, std::string_view k, std::string_view head,
                               const google::protobuf::MessageLite& msg, size_t* body_bytes,
                               unsigned flags) {
  const size_t body = msg.ByteSizeLong();
  if (body_bytes) *body_bytes = body;
  MDB_val key = Val(k), val{head.size() + body, nullptr};
  MDB_cursor* cur = WriteCursor(dbi);
  flags |= MDB_RESERVE;
  int rc = cur ? mdb_cursor_put(cur, &key, &val, flags) : mdb_put(wtxn, dbi, &key, &val, flags);
  if (rc == MDB_MAP_FULL) map_full = true;
  if (rc) return MdbError(rc, "put");
  auto* out = static_cast<uint8_t*>(val.mv_data);
  std::memcpy(out, head.data(), head.size());
  msg.SerializeWithCachedSizesToArray(out + head.size());
  return Status::Ok();
}

Status Store::Impl::Del(MDB_dbi dbi, std::string_view k) {
  MDB_val key = Val(k), val;
  int rc;
  if (MDB_cursor* cur = WriteCursor(dbi)) {
    rc = mdb_cursor_get(cur, &key, &val, MDB_SET);
    if (rc == 0) rc = mdb_cursor_del(cur, 0);
  } else {
    rc = mdb_del(wtxn, dbi, &key, nullptr);
  }
  if (rc == MDB_MAP_FULL) map_full = true;
  if (rc == MDB_NOTFOUND) return Status::Ok();
  return rc ? MdbError(rc, "del") : Status::Ok();
}

namespace {
// The tail of a lookup: NotFound is a value (false, Ok), anything else an error.
Status LookupResult(int rc, const MDB_val& val, std::string_view* v, bool* found) {
  *found = rc == 0;
  if (rc == MDB_NOTFOUND) return Status::Ok();
  if (rc) return MdbError(rc, "get");
  *v = View(val);
  return Status::Ok();
}
}  // namespace

Status Store::Impl::Get(MDB_txn* txn, MDB_dbi dbi, std::string_view k, std::string_view* v,
                        bool* found) {
  MDB_val key = Val(k), val;
  return LookupResult(mdb_get(txn, dbi, &key, &val), val, v, found);
}

Status Store::Impl::GetInWrite(MDB_dbi dbi, std::string_view k, std::string_view* v, bool* found) {
  MDB_cursor* cur = WriteCursor(dbi);
  if (!cur) return Get(wtxn, dbi, k, v, found);
  MDB_val key = Val(k), val;
  return LookupResult(mdb_cursor_get(cur, &key, &val, MDB_SET), val, v, found);
}

Status Store::Impl::GetMetaU64(MDB_txn* txn, std::string_view key, uint64_t* v) {
  std::string_view b;
  bool found = false;
  Status s = Get(txn, meta, key, &b, &found);
  if (!s.ok()) return s;
  if (!found) return Status::NotFound(std::string(key));
  if (b.size() != 8) return Status::Corruption("meta record " + std::string(key) + " damaged");
  *v = GetU64BE(b);
  return Status::Ok();
}

Status Store::Impl::PutMetaU64(std::string_view key, uint64_t v) {
  return Put(meta, key, U64Key(v));
}

Status Store::Impl::Grow(size_t new_size) {
  std::unique_lock lock(resize_mu);
  int rc = mdb_env_set_mapsize(env, new_size);
  if (rc) return MdbError(rc, "grow map");
  MDB_envinfo info;
  mdb_env_info(env, &info);
  map_size = info.me_mapsize;
  return Status::Ok();
}

Status Store::Impl::BeginTxn(unsigned flags, MDB_txn** txn) {
  for (;;) {
    int rc = mdb_txn_begin(env, nullptr, flags, txn);
    if (rc == MDB_MAP_RESIZED) {
      if (Status s = AdoptForeignResize(); !s.ok()) return s;
      continue;
    }
    return rc ? MdbError(rc, "begin on store " + opts.dir) : Status::Ok();
  }
}

Status Store::Impl::AdoptForeignResize() {
  std::unique_lock lock(resize_mu);
  int rc = mdb_env_set_mapsize(env, 0);
  MDB_envinfo info;
  mdb_env_info(env, &info);
  map_size = info.me_mapsize;
  return rc ? MdbError(rc, "adopt map size") : Status::Ok();
}

Store::Impl::ReadTxn::ReadTxn(Impl* impl) : impl_(impl) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    lock_ = std::shared_lock(impl_->resize_mu);
    int rc = mdb_txn_begin(impl_->env, nullptr, MDB_RDONLY, &txn_);
    if (rc == 0) return;
    txn_ = nullptr;
    lock_.unlock();
    if (rc != MDB_MAP_RESIZED) {
      status_ = MdbError(rc, "begin read");
      return;
    }
    if (!(status_ = impl_->AdoptForeignResize()).ok()) return;
  }
  status_ = Status::IoError("map keeps being resized");
}

Store::Impl::ReadTxn::~ReadTxn() {
  if (txn_) mdb_txn_abort(txn_);
}

Status Store::WriteBatch(std::vector<WriteOp*>& ops, std::vector<Status>* results) {
  Impl& im = *impl_;
  std::lock_guard wl(im.write_mu);
  results->assign(ops.size(), Status::Ok());
  if (Status h = Health(); !h.ok()) {
    results->assign(ops.size(), h);
    return h;
  }
  std::vector<bool> refused(ops.size(), false);
  // Ops run straight in the batch's transaction. Only when one fails is the batch redone with
  // a nested transaction per op, so the failure rolls back that op alone: a nested transaction
  // costs two large allocations (LMDB's dirty and free page lists) and a copy of every page it
  // touches that the batch has already dirtied. Ops are already replayed after a map resize,
  // so running one twice is nothing new.
  bool per_op_txn = false;
  for (;;) {
    std::shared_lock rl(im.resize_mu);
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(im.env, nullptr, 0, &txn);
    if (rc == MDB_MAP_RESIZED) {
      rl.unlock();
      if (Status s = im.AdoptForeignResize(); !s.ok()) return s;
      continue;
    }
    if (rc) {
      Status s = MdbError(rc, "begin write");
      results->assign(ops.size(), s);
      return s;
    }
    // Overdrawn (see below): intake waits until pruning brings the live data under the cap.
    if (im.map_size > im.opts.map_cap_bytes && LiveBytes(im, txn) >= im.opts.map_cap_bytes) {
      for (size_t i = 0; i < ops.size(); ++i) refused[i] = refused[i] || ops[i]->intake;
    }
    im.map_full = false;
    bool op_failed = false;
    for (size_t i = 0; i < ops.size() && !im.map_full && !op_failed; ++i) {
      if (refused[i]) continue;
      if (!per_op_txn) {
        im.SetWriteTxn(txn);
        WriteTxn wt(&im);
        Status s = ops[i]->apply(wt);
        op_failed = !s.ok() && !im.map_full;
        (*results)[i] = s;
        continue;
      }
      MDB_txn* nested = nullptr;
      if ((rc = mdb_txn_begin(im.env, txn, 0, &nested))) {
        (*results)[i] = MdbError(rc, "begin nested");
        continue;
      }
      im.SetWriteTxn(nested);
      WriteTxn wt(&im);
      Status s = ops[i]->apply(wt);
      im.SetWriteTxn(nullptr);
      if (s.ok() && !im.map_full) {
        rc = mdb_txn_commit(nested);
        if (rc == MDB_MAP_FULL)
          im.map_full = true;
        else if (rc)
          s = MdbError(rc, "commit nested");
      } else {
        mdb_txn_abort(nested);
      }
      (*results)[i] = s;
    }
    im.SetWriteTxn(nullptr);
    if (op_failed) {
      mdb_txn_abort(txn);
      per_op_txn = true;
      continue;
    }
    if (!im.map_full) {
      rc = mdb_txn_commit(txn);
      if (rc == MDB_MAP_FULL)
        im.map_full = true;
      else if (rc) {
        Status s = MdbError(rc, "commit");
        {
          std::lock_guard hl(im.health_mu);
          im.health =
              Status::IoError("store failed and refuses writes until restart: " + s.message());
        }
        results->assign(ops.size(), im.health);
        return im.health;
      } else {
        for (size_t i = 0; i < ops.size(); ++i) {
          if (refused[i]) (*results)[i] = Status::StoreFull("store full");
        }
        return Status::Ok();
      }
    } else {
      mdb_txn_abort(txn);
    }
    rl.unlock();
    // The map is full. Grow if the cap allows; else refuse intake and retry the rest.
    if (im.map_size < im.opts.map_cap_bytes) {
      size_t next = std::min(im.opts.map_cap_bytes, im.map_size * 2);
      if (Status s = im.Grow(next); !s.ok()) return s;
      continue;
    }
    bool refused_any = false;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (ops[i]->intake && !refused[i]) refused[i] = refused_any = true;
    }
    if (refused_any) continue;
    // Only space-freeing ops are left. One receipt or custody mark covering a full store's
    // backlog rewrites most of it, and copy-on-write needs that many fresh pages: without room
    // beyond the cap a full store could never drain. Intake stays refused meanwhile (above).
    if (im.map_size < 2 * im.opts.map_cap_bytes) {
      if (Status s = im.Grow(std::min(2 * im.opts.map_cap_bytes, im.map_size * 2)); !s.ok()) {
        return s;
      }
      continue;
    }
    {
      Status s = Status::StoreFull("store full at map cap " +
                                   std::to_string(im.opts.map_cap_bytes >> 10) + " KiB");
      results->assign(ops.size(), s);
      return s;
    }
  }
}

Status Store::Write(WriteOp op) {
  std::vector<WriteOp*> ops{&op};
  std::vector<Status> results;
  Status s = WriteBatch(ops, &results);
  if (!s.ok()) return s;
  return results[0];
}

}  // namespace titip::storage
