// Writes the store fixtures in tests/fixtures/store/ (STYLE §7: formats are contracts). Run once
// by hand, commit the data.mdb files (never lock.mdb), then put the printed epoch into
// store_fixture_data.h. Not registered with ctest: regenerating would break the contract test.
//   ./build/bin/store_fixture_gen_test --gtest_also_run_disabled_tests

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "raw_lmdb.h"
#include "store_fixture_data.h"

namespace titip::storage::testing {
namespace {
namespace fs = std::filesystem;

const std::string kOut = std::string(TITIP_FIXTURES_DIR) + "/store";

// Copies data.mdb into the fixture tree unless that fixture exists: fixtures are written once.
void Publish(const std::string& src_dir, const std::string& name) {
  if (fs::exists(kOut + "/" + name + "/data.mdb")) {
    std::printf("%s exists; kept\n", name.c_str());
    return;
  }
  fs::create_directories(kOut + "/" + name);
  fs::copy_file(src_dir + "/data.mdb", kOut + "/" + name + "/data.mdb",
                fs::copy_options::overwrite_existing);
}

uint64_t MakeValid(const std::string& dir) {
  ManualClock clock;
  auto store = OpenOrFail(Options(dir, kFixtureNode), clock);
  std::vector<wire::Punch> punches = FixturePunches(0);
  for (auto& p : punches) {
    p.clear_origin();
    p.clear_epoch();
    p.clear_seq();
  }
  IntakeOutcome out;
  EXPECT_TRUE(store->Write(AppendOp(&punches, &out)).ok());
  EXPECT_EQ(out.added, 5u);
  uint64_t epoch = store->epoch();
  EXPECT_TRUE(store->Write(CustodyOp({PunchKey{kFixtureNode, epoch, 2}})).ok());
  EXPECT_TRUE(store->Write(ReceiptOp(kFixtureNode, epoch, 1)).ok());
  return epoch;
}

void MakeBig(const std::string& dir) {
  ManualClock clock;
  auto store = OpenOrFail(Options(dir, kFixtureNode), clock);
  for (int b = 0; b < 30; ++b) {
    std::vector<wire::Punch> punches;
    for (int i = 0; i < 50; ++i) {
      punches.push_back(
          MakePunch("BIG" + std::to_string(b % 3), std::to_string(100 + i), kBaseCivil + b * 60));
    }
    IntakeOutcome out;
    EXPECT_TRUE(store->Write(AppendOp(&punches, &out)).ok());
  }
}

// Edits the meta table of a copy of v1_valid with raw LMDB: delete or rewrite layout_version.
void EditVersion(const std::string& dir, bool remove, uint64_t version) {
  std::string why;
  ASSERT_TRUE(EditRaw(
      dir,
      [&](MDB_txn* txn) {
        MDB_dbi meta = 0;
        if (int rc = mdb_dbi_open(txn, "meta", 0, &meta)) return rc;
        std::string key = "layout_version", val;
        for (int i = 7; i >= 0; --i) val.push_back(static_cast<char>((version >> (i * 8)) & 0xff));
        MDB_val k{key.size(), key.data()}, v{val.size(), val.data()};
        return remove ? mdb_del(txn, meta, &k, nullptr) : mdb_put(txn, meta, &k, &v, 0);
      },
      &why))
      << why;
}

void WriteRandom(const std::string& path, uint64_t offset, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string bytes(n, '\0');
  for (auto& c : bytes) c = static_cast<char>(rng());
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(n));
}

// The page holding the root of LMDB's main table (the table directory), read from the newer
// of the two meta pages: MDB_meta follows the 16-byte page header; mm_dbs[1].md_root is at
// meta offset 24 + 48 + 40, the txnid at 24 + 96 + 8.
uint64_t MainRootPage(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  uint64_t best_txn = 0, root = 0;
  for (int m = 0; m < 2; ++m) {
    uint64_t txnid = 0, r = 0;
    in.seekg(m * 4096 + 16 + 24 + 48 + 40);
    in.read(reinterpret_cast<char*>(&r), 8);
    in.seekg(m * 4096 + 16 + 24 + 96 + 8);
    in.read(reinterpret_cast<char*>(&txnid), 8);
    if (txnid >= best_txn) best_txn = txnid, root = r;
  }
  return root;
}

TEST(StoreFixtures, DISABLED_Regenerate) {
  TempDir tmp;
  uint64_t epoch = MakeValid(tmp.Sub("valid"));
  Publish(tmp.Sub("valid"), "v1_valid");
  std::printf("v1_valid epoch: %llu — put it into kFixtureEpoch\n",
              static_cast<unsigned long long>(epoch));

  for (const char* name : {"no_version", "version_99"}) {
    fs::create_directories(tmp.Sub(name));
    fs::copy_file(tmp.Sub("valid") + "/data.mdb", tmp.Sub(name) + "/data.mdb");
    EditVersion(tmp.Sub(name), std::string(name) == "no_version", 99);
    Publish(tmp.Sub(name), name);
  }

  MakeBig(tmp.Sub("big"));
  const std::string big = tmp.Sub("big") + "/data.mdb";
  uint64_t size = fs::file_size(big), pages = size / 4096;
  for (const char* name : {"truncated", "corrupt_page"}) {
    fs::create_directories(tmp.Sub(name));
    fs::copy_file(big, tmp.Sub(name) + "/data.mdb");
  }
  fs::create_directories(tmp.Sub("corrupt_root"));
  fs::copy_file(big, tmp.Sub("corrupt_root") + "/data.mdb");
  uint64_t root = MainRootPage(big);
  WriteRandom(tmp.Sub("corrupt_root") + "/data.mdb", root * 4096, 4096, 98);
  Publish(tmp.Sub("corrupt_root"), "corrupt_root");
  std::printf("main table root page %llu overwritten\n", static_cast<unsigned long long>(root));
  fs::resize_file(tmp.Sub("truncated") + "/data.mdb", size / 2);
  Publish(tmp.Sub("truncated"), "truncated");
  WriteRandom(tmp.Sub("corrupt_page") + "/data.mdb", (pages / 2) * 4096, 4096, 99);
  Publish(tmp.Sub("corrupt_page"), "corrupt_page");
  std::printf("big store: %llu pages; page %llu overwritten\n",
              static_cast<unsigned long long>(pages), static_cast<unsigned long long>(pages / 2));

  fs::create_directories(tmp.Sub("garbage"));
  std::ofstream(tmp.Sub("garbage") + "/data.mdb").close();
  WriteRandom(tmp.Sub("garbage") + "/data.mdb", 0, 64 << 10, 7);
  Publish(tmp.Sub("garbage"), "garbage");
}

}  // namespace
}  // namespace titip::storage::testing
