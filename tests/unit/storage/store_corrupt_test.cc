// The on-disk format as a contract (STYLE §7, PITFALLS "a damaged store must never stop a node
// silently"): the committed v1 fixture must open and read back exactly; truncated, garbage,
// foreign, future-version and page-damaged stores must be refused with a message naming the
// directory, without crashing the process and without touching the file.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "raw_lmdb.h"
#include "store_fixture_data.h"

namespace titip::storage::testing {
namespace {
namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ChildOutcome {
  bool crashed = true;
  Code code = Code::kOk;
  std::string message;
};

// Runs `fn` in a forked child so that a crash on damaged pages fails this test instead of
// killing the test process. The parent has no store open across the fork.
ChildOutcome RunInChild(const std::function<Status()>& fn) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Status s = fn();
    std::string msg = std::to_string(static_cast<int>(s.code())) + "|" + s.message();
    (void)!write(fds[1], msg.data(), msg.size());
    _exit(0);
  }
  close(fds[1]);
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) got.append(buf, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ChildOutcome out;
  out.crashed = !WIFEXITED(status) || got.find('|') == std::string::npos;
  if (!out.crashed) {
    out.code = static_cast<Code>(std::stoi(got.substr(0, got.find('|'))));
    out.message = got.substr(got.find('|') + 1);
  }
  return out;
}

ChildOutcome OpenInChild(const StoreOptions& o) {
  return RunInChild([&o] {
    ManualClock clock;
    return Store::Open(o, clock).status();
  });
}

// Opens and reads everything: the first refusal, or Ok when every read succeeded.
Status OpenAndReadAll(const StoreOptions& o) {
  ManualClock clock;
  auto store = Store::Open(o, clock);
  if (!store.ok()) return store.status();
  Store& st = *store.value();
  Status s = st.ForEachPunch([](const wire::Punch&, PunchState) { return true; });
  if (s.ok()) s = st.GetCounters().status();
  if (s.ok()) s = st.FetchQueued(0, SIZE_MAX, SIZE_MAX).status();
  return s;
}

bool IsRefusal(Code c) { return c == Code::kCorruption || c == Code::kFailedPrecondition; }

// ---- (a) the valid v1 fixture: a format contract ----

void ExpectFixtureContents(Store& store) {
  EXPECT_EQ(store.epoch(), kFixtureEpoch);
  EXPECT_EQ(store.node_id(), kFixtureNode);
  std::vector<wire::Punch> want = FixturePunches(kFixtureEpoch);
  std::vector<PunchState> states = FixtureStates();
  std::vector<StoredPunch> got = AllPunches(store);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].punch.SerializeAsString(), want[i].SerializeAsString())
        << got[i].punch.ShortDebugString() << "\nwant " << want[i].ShortDebugString();
    EXPECT_EQ(got[i].state, states[i]) << "seq " << i + 1;
  }
  Counters c = CountersOf(store);
  EXPECT_EQ(c.punches, 5u);
  EXPECT_EQ(c.queued, 3u);
  EXPECT_EQ(c.undelivered, 4u);
  EXPECT_EQ(c.oldest_queued_ms, want[2].received_at_ms());
  std::vector<QueuedPunch> q = AllQueued(store);
  ASSERT_EQ(q.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(q[i].qseq, i + 3);
    EXPECT_EQ(q[i].punch.seq(), i + 3);
  }
  auto through = store.Through(kFixtureNode, kFixtureEpoch);
  ASSERT_TRUE(through.ok());
  EXPECT_EQ(through.value(), 1u);
}

TEST(StoreFixtureV1, VerifiesOpensAndReadsBackExactPunches) {
  TempDir tmp;
  std::string dir = CopyFixture(tmp, "v1_valid");
  ManualClock clock;
  EXPECT_TRUE(Store::Verify(dir).ok()) << Store::Verify(dir).ToString();
  auto store = OpenOrFail(Options(dir, kFixtureNode), clock);
  ASSERT_NE(store, nullptr);
  ExpectFixtureContents(*store);
  // It stays writable: seqs, qseqs and dedupe continue where the fixture left off.
  std::vector<wire::Punch> more = {FixturePunches(0)[0],
                                   MakePunch("A6F1190360012", "1003", kBaseCivil + 99)};
  IntakeOutcome out;
  ASSERT_TRUE(store->Write(AppendOp(&more, &out)).ok());
  EXPECT_EQ(out.duplicates, 1u);
  EXPECT_EQ(out.added, 1u);
  EXPECT_EQ(more[1].seq(), 6u);
  EXPECT_EQ(AllQueued(*store).back().qseq, 6u);
}

TEST(StoreFixtureV1, OpensReadOnlyWithoutANodeId) {
  TempDir tmp;
  std::string dir = CopyFixture(tmp, "v1_valid");
  StoreOptions o;
  o.dir = dir;
  o.read_only = true;
  ManualClock clock;
  auto store = OpenOrFail(o, clock);
  ASSERT_NE(store, nullptr);
  ExpectFixtureContents(*store);
  EXPECT_FALSE(store->Write(CustodyOp({PunchKey{kFixtureNode, kFixtureEpoch, 3}})).ok())
      << "a read-only store accepted a write";
}

// ---- (b)–(f): damaged or foreign stores are refused, never crash, never get touched ----

class DamagedFixture : public ::testing::TestWithParam<const char*> {};
class DamagedForVerify : public ::testing::TestWithParam<const char*> {};

TEST_P(DamagedForVerify, VerifyRefusesNamingTheDirectory) {
  TempDir tmp;
  std::string dir = CopyFixture(tmp, GetParam());
  std::string before = ReadFile(dir + "/data.mdb");
  Status s = Store::Verify(dir);
  EXPECT_TRUE(IsRefusal(s.code())) << s.ToString();
  EXPECT_NE(s.message().find(dir), std::string::npos) << s.message();
  EXPECT_EQ(ReadFile(dir + "/data.mdb"), before) << "Verify modified the file";
}

TEST_P(DamagedFixture, OpenRefusesNamingTheDirectory) {
  TempDir tmp;
  std::string dir = CopyFixture(tmp, GetParam());
  std::string before = ReadFile(dir + "/data.mdb");
  for (bool read_only : {false, true}) {
    SCOPED_TRACE(read_only ? "read-only" : "writable");
    StoreOptions o = Options(dir, kFixtureNode);
    o.read_only = read_only;
    ChildOutcome r = OpenInChild(o);
    ASSERT_FALSE(r.crashed) << "Store::Open crashed on " << GetParam();
    EXPECT_TRUE(IsRefusal(r.code)) << "code " << CodeName(r.code) << ": " << r.message;
    EXPECT_NE(r.message.find(dir), std::string::npos) << r.message;
    if (IsRefusal(r.code)) {  // survived in the child: safe to check in this process too
      ManualClock clock;
      auto again = Store::Open(o, clock);
      EXPECT_TRUE(IsRefusal(again.status().code())) << again.status().ToString();
    }
  }
  EXPECT_EQ(ReadFile(dir + "/data.mdb"), before) << "Open modified (\"repaired\") the file";
}

INSTANTIATE_TEST_SUITE_P(Store, DamagedForVerify,
                         ::testing::Values("truncated", "garbage", "no_version", "version_99",
                                           "corrupt_root", "corrupt_page"),
                         [](const auto& info) { return std::string(info.param); });
// corrupt_page is not here: its damage sits in a leaf that Open never reads (see below).
INSTANTIATE_TEST_SUITE_P(Store, DamagedFixture,
                         ::testing::Values("truncated", "garbage", "no_version", "version_99",
                                           "corrupt_root"),
                         [](const auto& info) { return std::string(info.param); });

TEST(StoreCorruptPage, VerifyRefusesItAndReadsNeverServeItSilently) {
  TempDir tmp;
  std::string dir = CopyFixture(tmp, "corrupt_page");
  std::string before = ReadFile(dir + "/data.mdb");
  Status v = Store::Verify(dir);  // the daemons' guard: a full scan in a child
  EXPECT_EQ(v.code(), Code::kCorruption) << v.ToString();
  EXPECT_NE(v.message().find(dir), std::string::npos) << v.message();
  // Open reads only the meta pages and table roots, so by contract it cannot see a damaged
  // leaf; it must still not crash, and a full read must refuse rather than serve garbage.
  StoreOptions o = Options(dir, kFixtureNode);
  o.read_only = true;
  ChildOutcome opened = OpenInChild(o);
  EXPECT_FALSE(opened.crashed) << "Store::Open crashed on a damaged leaf";
  ChildOutcome read = RunInChild([&o] { return OpenAndReadAll(o); });
  EXPECT_TRUE(read.crashed || IsRefusal(read.code))
      << "damaged store read back as healthy: " << CodeName(read.code) << " " << read.message;
  EXPECT_EQ(ReadFile(dir + "/data.mdb"), before);
}

TEST(StoreOpen, FutureLayoutVersionIsAFailedPrecondition) {
  TempDir tmp;
  std::string dir = CopyFixture(tmp, "version_99");
  ManualClock clock;
  auto r = Store::Open(Options(dir, kFixtureNode), clock);
  EXPECT_EQ(r.status().code(), Code::kFailedPrecondition) << r.status().ToString();
  EXPECT_NE(r.status().message().find("99"), std::string::npos) << r.status().message();
}

TEST(StoreOpen, NodeIdMismatchIsRefused) {
  TempDir tmp;
  std::string dir = CopyFixture(tmp, "v1_valid");
  ManualClock clock;
  auto r = Store::Open(Options(dir, "gw-other"), clock);
  EXPECT_EQ(r.status().code(), Code::kFailedPrecondition) << r.status().ToString();
  EXPECT_NE(r.status().message().find("gw-fixture"), std::string::npos);
  EXPECT_NE(r.status().message().find("gw-other"), std::string::npos);
  EXPECT_NE(r.status().message().find(dir), std::string::npos);
}

TEST(StoreOpen, ReadOnlyOfAMissingDirectoryIsNotFound) {
  TempDir tmp;
  StoreOptions o;
  o.dir = tmp.Sub("nothing-here");
  o.read_only = true;
  ManualClock clock;
  EXPECT_EQ(Store::Open(o, clock).status().code(), Code::kNotFound);
  EXPECT_FALSE(fs::exists(o.dir)) << "a read-only open created the directory";
  EXPECT_TRUE(Store::Verify(o.dir).ok()) << "no store yet is not a damaged store";
  o.read_only = false;
  o.node_id = "gw-x";
  o.create_if_missing = false;
  EXPECT_EQ(Store::Open(o, clock).status().code(), Code::kNotFound);
}

TEST(StoreOpen, WritableOpenNeedsANodeId) {
  TempDir tmp;
  ManualClock clock;
  auto r = Store::Open(Options(tmp.Sub("s"), ""), clock);
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
}

TEST(StoreOpen, EpochSurvivesReopenAndANewStoreGetsANewOne) {
  TempDir tmp;
  ManualClock clock;
  uint64_t first = 0;
  {
    auto s = OpenOrFail(Options(tmp.Sub("a"), "gw-a"), clock);
    ASSERT_NE(s, nullptr);
    first = s->epoch();
    EXPECT_NE(first, 0u);
  }
  auto again = OpenOrFail(Options(tmp.Sub("a"), "gw-a"), clock);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->epoch(), first);
  auto other = OpenOrFail(Options(tmp.Sub("b"), "gw-a"), clock);  // a wiped box: new epoch
  ASSERT_NE(other, nullptr);
  EXPECT_NE(other->epoch(), first);
}

// The simulator's seeded runs name the epoch of each store they create; a store that exists
// keeps the epoch on its disk whatever the open asks for.
TEST(StoreOpen, AGivenEpochIsTakenOnlyAtCreation) {
  TempDir tmp;
  ManualClock clock;
  StoreOptions o = Options(tmp.Sub("a"), "gw-a");
  o.new_store_epoch = 0x1234;
  {
    auto s = OpenOrFail(o, clock);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->epoch(), 0x1234u);
  }
  o.new_store_epoch = 0x5678;
  auto again = OpenOrFail(o, clock);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->epoch(), 0x1234u);
}

// A crash between LMDB creating data.mdb and its first write leaves an empty file. Nothing in
// it was ever acknowledged, so it must not keep the node from starting.
TEST(StoreOpen, EmptyDataFileIsANewStore) {
  TempDir tmp;
  ManualClock clock;
  std::filesystem::create_directories(tmp.Sub("s"));
  std::ofstream(tmp.Sub("s") + "/data.mdb").flush();
  ASSERT_TRUE(Store::Verify(tmp.Sub("s")).ok());
  auto s = OpenOrFail(Options(tmp.Sub("s"), "gw-a"), clock);
  ASSERT_NE(s, nullptr);
  std::vector<wire::Punch> punches{MakePunch("SN1", "1001", kBaseCivil)};
  IntakeOutcome out;
  ASSERT_TRUE(s->Write(AppendOp(&punches, &out)).ok());
  EXPECT_EQ(out.added, 1u);
}

// Verify's two scans run side by side (punch bodies in one child, indexes in the other): damage
// that only the index scan can see must still refuse the store.
TEST(StoreVerify, AQueueEntryNamingNoPunchIsRefused) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  ManualClock clock;
  {
    auto s = OpenOrFail(Options(dir, "gw-a"), clock);
    ASSERT_NE(s, nullptr);
    std::vector<wire::Punch> punches{MakePunch("SN1", "1001", kBaseCivil)};
    IntakeOutcome out;
    ASSERT_TRUE(s->Write(AppendOp(&punches, &out)).ok());
  }
  ASSERT_TRUE(Store::Verify(dir).ok()) << Store::Verify(dir).ToString();
  // A queue entry (qseq 99) whose punch record is not there: every body still decodes.
  std::string why;
  ASSERT_TRUE(EditRaw(
      dir,
      [](MDB_txn* txn) {
        MDB_dbi queue = 0;
        if (int rc = mdb_dbi_open(txn, "queue", 0, &queue)) return rc;
        std::string k(8, '\0'), v = "no such punch";
        k[7] = 99;
        MDB_val key{k.size(), k.data()}, val{v.size(), v.data()};
        return mdb_put(txn, queue, &key, &val, 0);
      },
      &why))
      << why;
  Status v = Store::Verify(dir);
  EXPECT_EQ(v.code(), Code::kCorruption) << v.ToString();
  EXPECT_NE(v.message().find("queue entry"), std::string::npos) << v.message();
  EXPECT_NE(v.message().find(dir), std::string::npos) << v.message();
}

}  // namespace
}  // namespace titip::storage::testing
