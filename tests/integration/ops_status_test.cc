// `titipctl status` against golden files (tests/golden/status/), in Bahasa Indonesia, in
// English and as JSON, for the three situations an office operator meets: everything
// delivered, punches waiting for a dead link, and the daemon stopped. The store is written
// with the storage library under a ManualClock and titipctl runs with the hidden --now, so
// every age is stable. TITIP_UPDATE_GOLDEN=1 rewrites the files (review the diff!).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <regex>

#include "daemon_harness.h"
#include "titip/common/clock.h"
#include "titip/storage/store.h"

namespace titip::testing {
namespace {

constexpr int64_t kNowMs = 1'764'500'000'000;  // 2025-11-30T10:53:20Z
constexpr int64_t kMin = 60'000, kHour = 60 * kMin;

const std::string kGolden = std::string(TITIP_GOLDEN_DIR) + "/status/";

std::string GatewayConfig(const std::string& dir) {
  return "[node]\nid = \"kec-sekernan\"\nunit = \"Kecamatan Sekernan\"\nstate_dir = \"" + dir +
         "/state\"\n[[upstream]]\nid = \"diskominfo\"\nendpoint = \"tcp://127.0.0.1:1\"\n"
         "[[upstream]]\nid = \"bkpsdm\"\nendpoint = \"tcp://127.0.0.1:2\"\npriority = 2\n"
         "[[terminal]]\nserial = \"A6F1190360012\"\naddress = \"127.0.0.1:4370\"\n"
         "[[terminal]]\nserial = \"CKJG201960123\"\naddress = \"127.0.0.1:4371\"\n"
         "[[terminal]]\nserial = \"BARU0000001\"\nkind = \"usb\"\n";
}

// `total` punches received at now - 3 h; a receipt through `receipted` at `receipt_at_ms`.
void WriteStore(const std::string& dir, uint64_t total, uint64_t receipted, int64_t receipt_at_ms) {
  storage::StoreOptions o;
  o.dir = dir + "/state";
  o.node_id = "kec-sekernan";
  ManualClock clock{WallTime(kNowMs - 3 * kHour)};
  auto store = storage::Store::Open(o, clock);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::vector<wire::Punch> punches;
  for (uint64_t i = 0; i < total; ++i) {
    wire::Punch p;
    p.set_terminal("A6F1190360012");
    p.set_pin(std::to_string(1000 + i % 40));
    p.set_device_time(1'764'460'800 + static_cast<int64_t>(i) * 60);  // civil, 2025-11-30
    p.set_utc_offset_min(420);
    p.set_received_at_ms(clock.Wall().count());
    p.set_unit("Kecamatan Sekernan");
    punches.push_back(p);
  }
  storage::IntakeOutcome out;
  storage::WriteOp op;
  op.intake = true;
  op.apply = [&](storage::WriteTxn& t) { return t.AppendLocal(&punches, &out); };
  ASSERT_TRUE((*store)->Write(std::move(op)).ok());
  ASSERT_EQ(out.added, total);
  if (receipted) {
    clock.Advance(std::chrono::milliseconds(receipt_at_ms - clock.Wall().count()));
    wire::Receipt r;
    r.set_origin("kec-sekernan");
    r.set_epoch((*store)->epoch());
    r.set_through_seq(receipted);
    storage::WriteOp rop;
    rop.apply = [&](storage::WriteTxn& t) { return t.ApplyReceipt(r); };
    ASSERT_TRUE((*store)->Write(std::move(rop)).ok());
  }
}

// What a running gateway daemon would have written a moment ago (this process stands in as
// the live pid).
void WriteRuntime(const std::string& dir, bool links_up) {
  nlohmann::json up1 = {{"id", "diskominfo"}, {"state", links_up ? "up" : "down"},
                        {"in_flight", 0},     {"active", links_up},
                        {"cost", 1},          {"last_ack_age_s", links_up ? 4 : -1}};
  if (!links_up) up1["last_ack_age_s"] = nullptr;
  nlohmann::json up2 = {{"id", "bkpsdm"},  {"state", "down"}, {"in_flight", 0},
                        {"active", false}, {"cost", nullptr}, {"last_ack_age_s", nullptr}};
  nlohmann::json terms = nlohmann::json::array();
  terms.push_back({{"serial", "A6F1190360012"},
                   {"up", true},
                   {"clock_skew_s", 95},
                   {"last_contact_age_s", 30},
                   {"last_error", ""}});
  terms.push_back({{"serial", "CKJG201960123"},
                   {"up", false},
                   {"clock_skew_s", nullptr},
                   {"last_contact_age_s", 7200},
                   {"last_error", "connection refused"}});
  nlohmann::json j = {
      {"pid", getpid()},         {"node", "kec-sekernan"}, {"updated_at_ms", kNowMs - 2000},
      {"upstreams", {up1, up2}}, {"terminals", terms},     {"counters", nlohmann::json::object()}};
  WriteFile(dir + "/state/runtime.json", j.dump());
}

// The store's size depends on LMDB's page layout, not on status: checked by shape, then masked.
std::string MaskStore(std::string text) {
  static const std::regex kText(
      R"(((?:Penyimpanan|Store) +)[0-9.,]+[,.][0-9] (?:MB|MiB) (dari|of) )");
  static const std::regex kJson(R"("store_bytes": ?[0-9]+)");
  EXPECT_TRUE(std::regex_search(text, kText) || std::regex_search(text, kJson)) << text;
  text = std::regex_replace(text, kText, "$1<used> $2 ");
  return std::regex_replace(text, kJson, "\"store_bytes\": 0");
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  std::string path = kGolden + name;
  const char* update = std::getenv("TITIP_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::filesystem::create_directories(kGolden);
    WriteFile(path, actual);
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " missing; actual:\n" << actual;
  EXPECT_EQ(ReadFile(path), actual) << "golden " << path;
}

class OpsStatus : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir("status");
    WriteFile(dir_ + "/gw.toml", GatewayConfig(dir_));
  }
  void TearDown() override {
    if (!HasFailure()) RemoveTree(dir_);
  }
  RunResult Status(const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {BinPath("titipctl"),    "--config", dir_ + "/gw.toml", "--now",
                                     std::to_string(kNowMs), "status"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return titip::testing::Run(argv);
  }
  // id and en text and JSON of the current state, against <scenario>.{id.txt,en.txt,json}.
  void CheckAll(const std::string& scenario) {
    RunResult id = Status({});  // a gateway speaks Indonesian by default
    ASSERT_EQ(id.exit_code, 0) << id.out;
    ExpectGolden(scenario + ".id.txt", MaskStore(id.out));
    RunResult en = Status({"--lang", "en"});
    ASSERT_EQ(en.exit_code, 0) << en.out;
    ExpectGolden(scenario + ".en.txt", MaskStore(en.out));
    RunResult js = Status({"--json"});
    ASSERT_EQ(js.exit_code, 0) << js.out;
    auto j = nlohmann::json::parse(js.out, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << js.out;
    ExpectGolden(scenario + ".json", MaskStore(j.dump(2) + "\n"));
  }
  std::string dir_;
};

TEST_F(OpsStatus, AllDelivered) {
  WriteStore(dir_, 1200, 1200, kNowMs - 5 * kMin);
  WriteRuntime(dir_, true);
  CheckAll("delivered");
}

TEST_F(OpsStatus, WaitingForLink) {
  WriteStore(dir_, 1200, 1072, kNowMs - 3 * kHour);
  WriteRuntime(dir_, false);
  CheckAll("waiting");
}

TEST_F(OpsStatus, DaemonStopped) {
  WriteStore(dir_, 1200, 1072, kNowMs - 3 * kHour);
  CheckAll("stopped");
}

// Piped output is plain; --color always paints the headline.
TEST_F(OpsStatus, ColoursOnlyWhenAsked) {
  WriteStore(dir_, 10, 10, kNowMs - kMin);
  WriteRuntime(dir_, true);
  EXPECT_EQ(Status({}).out.find('\033'), std::string::npos);
  RunResult c = Status({"--color", "always"});
  EXPECT_EQ(c.out.rfind("\033[32mSemua data sudah terkirim ke Sengeti", 0), 0) << c.out;
  EXPECT_EQ(Status({"--lang", "fr"}).exit_code, 64);
}

}  // namespace
}  // namespace titip::testing
