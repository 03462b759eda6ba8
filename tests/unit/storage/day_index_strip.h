// Turns a current store into one made before the sink's day index existed (no "sinkday" table,
// no ready mark), with raw LMDB, so tests can check the backfill and the read-only fallback.
#pragma once

#include <string>

#include "raw_lmdb.h"

namespace titip::storage::testing {

// False (with `why`) when the store could not be rewritten. The store must not be open.
inline bool StripDayIndex(const std::string& dir, std::string* why) {
  return EditRaw(
      dir,
      [](MDB_txn* txn) {
        MDB_dbi day = 0, meta = 0;
        int rc = mdb_dbi_open(txn, "sinkday", 0, &day);
        if (!rc) rc = mdb_drop(txn, day, 1);
        if (!rc) rc = mdb_dbi_open(txn, "meta", 0, &meta);
        MDB_val k{13, const_cast<char*>("sinkday_ready")};
        if (!rc) rc = mdb_del(txn, meta, &k, nullptr);
        return rc;
      },
      why);
}

}  // namespace titip::storage::testing
