// Turns a current store into one made before the sink's day index existed (no "sinkday" table,
// no ready mark), with raw LMDB, so tests can check the backfill and the read-only fallback.
#pragma once

#include <lmdb.h>

#include <string>

namespace titip::storage::testing {

// False (with `why`) when the store could not be rewritten. The store must not be open.
inline bool StripDayIndex(const std::string& dir, std::string* why) {
  MDB_env* env = nullptr;
  MDB_txn* txn = nullptr;
  MDB_dbi day = 0, meta = 0;
  int rc = mdb_env_create(&env);
  if (!rc) rc = mdb_env_set_maxdbs(env, 16);
  if (!rc) rc = mdb_env_open(env, dir.c_str(), 0, 0640);
  if (!rc) rc = mdb_txn_begin(env, nullptr, 0, &txn);
  if (!rc) rc = mdb_dbi_open(txn, "sinkday", 0, &day);
  if (!rc) rc = mdb_drop(txn, day, 1);
  if (!rc) rc = mdb_dbi_open(txn, "meta", 0, &meta);
  MDB_val k{13, const_cast<char*>("sinkday_ready")};
  if (!rc) rc = mdb_del(txn, meta, &k, nullptr);
  if (!rc) {
    rc = mdb_txn_commit(txn);
  } else if (txn) {
    mdb_txn_abort(txn);
  }
  if (env) mdb_env_close(env);
  if (rc) *why = mdb_strerror(rc);
  return rc == 0;
}

}  // namespace titip::storage::testing
