// A compacted copy of the v1_valid fixture: a store whose map is exactly full when opened with
// the map at its file size. Needs LMDB linked into the test.
#pragma once

#include <lmdb.h>

#include <filesystem>
#include <string>

#include "store_fixture_data.h"

namespace titip::storage::testing {

// A copy of v1_valid without free pages (a compacting mdb_env_copy2): opened with the map at its
// file size, the map is exactly full and adding the table needs room it does not have.
inline std::string CompactFixture(const TempDir& tmp) {
  std::string src = CopyFixture(tmp, "v1_valid");
  std::string dst = tmp.Sub("compact");
  std::filesystem::create_directories(dst);
  MDB_env* env = nullptr;
  EXPECT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 8);
  EXPECT_EQ(mdb_env_open(env, src.c_str(), MDB_RDONLY, 0640), 0);
  EXPECT_EQ(mdb_env_copy2(env, dst.c_str(), MDB_CP_COMPACT), 0);
  mdb_env_close(env);
  return dst;
}

}  // namespace titip::storage::testing
