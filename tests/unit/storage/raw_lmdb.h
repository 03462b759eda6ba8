// Edits a closed store with raw LMDB, below the Store API: for tests that need a store as an
// older version or damage would have left it.
#pragma once

#include <lmdb.h>

#include <functional>
#include <string>

namespace titip::storage::testing {

// Runs `edit` in one write transaction on the store in `dir` and commits it. `edit` returns an
// LMDB code (0: go on). False, with LMDB's message in `why`, when any step failed; nothing is
// committed then. The store must not be open in this process.
inline bool EditRaw(const std::string& dir, const std::function<int(MDB_txn*)>& edit,
                    std::string* why) {
  MDB_env* env = nullptr;
  MDB_txn* txn = nullptr;
  int rc = mdb_env_create(&env);
  if (!rc) rc = mdb_env_set_maxdbs(env, 32);
  if (!rc) rc = mdb_env_open(env, dir.c_str(), 0, 0640);
  if (!rc) rc = mdb_txn_begin(env, nullptr, 0, &txn);
  if (!rc) rc = edit(txn);
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
