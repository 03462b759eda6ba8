// AdmsHandler against a real LMDB store and group committer: OK only after commit, 503 when
// the store refuses (and nothing half-stored), unknown serials refused and counted, the
// gap-fill DATA QUERY window, handshake options and the Date header rule.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <future>

#include "counting_clock.h"
#include "titip/common/civil_time.h"
#include "titip/gateway/adms_handler.h"

namespace titip::gateway {
namespace {

using namespace std::chrono_literals;

class AdmsHandlerTest : public ::testing::Test {
 protected:
  void Open(size_t cap = 64u << 20, size_t initial = 1u << 20) {
    std::string tmpl = "/tmp/titip-adms-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    storage::StoreOptions so;
    so.dir = dir_ + "/store";
    so.node_id = "gw-adms";
    so.initial_map_bytes = initial;
    so.map_cap_bytes = cap;
    auto s = storage::Store::Open(so, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    committer_ = std::make_unique<storage::GroupCommitter>(*store_, clock_);
    AdmsHandlerOptions o;
    o.unit = "kec-test";
    o.serials = {"CNYG213260182"};
    o.handshake.utc_offset_min = 420;
    handler_ = std::make_unique<AdmsHandler>(o, *committer_, *store_, counting_, board_);
  }
  void TearDown() override {
    if (handler_) handler_->Shutdown();
    handler_.reset();
    committer_.reset();
    store_.reset();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  AdmsResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "") {
    std::promise<AdmsResponse> p;
    auto f = p.get_future();
    handler_->Handle({method, target, body}, [&](AdmsResponse r) { p.set_value(std::move(r)); });
    EXPECT_EQ(f.wait_for(10s), std::future_status::ready);
    return f.get();
  }
  uint64_t StoredFrom(const std::string& serial) {
    uint64_t n = 0;
    EXPECT_TRUE(store_
                    ->ForEachPunch([&](const wire::Punch& p, storage::PunchState) {
                      n += p.terminal() == serial;
                      return true;
                    })
                    .ok());
    return n;
  }

  static constexpr const char* kUpload = "/iclock/cdata?SN=CNYG213260182&table=ATTLOG&Stamp=9999";
  static constexpr const char* kBody =
      "46\t2025-01-29 06:58:48\t0\t15\t0\t0\t0\t0\t0\t0\t10881\n"
      "41\t2025-01-29 06:59:10\t0\t1\t0\t0\t0\t0\t0\t0\t10882\n";

  ManualClock clock_{WallTime(1'738'108'800'000)};  // 2025-01-29 00:00:00 UTC
  testing::CountingClock counting_{clock_};         // the handler's view of clock_
  relay::TerminalBoard board_;
  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::GroupCommitter> committer_;
  std::unique_ptr<AdmsHandler> handler_;
};

TEST_F(AdmsHandlerTest, UploadRepliesOkOnlyOnceCommitted) {
  Open();
  std::promise<uint64_t> stored_at_reply;
  handler_->Handle({"POST", kUpload, kBody}, [&](AdmsResponse r) {
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "OK: 2\n");
    stored_at_reply.set_value(StoredFrom("CNYG213260182"));
  });
  EXPECT_EQ(stored_at_reply.get_future().get(), 2u);
  // The terminal re-sends (it keeps its rows after OK): same answer, nothing new.
  EXPECT_EQ(Call("POST", kUpload, kBody).body, "OK: 2\n");
  EXPECT_EQ(StoredFrom("CNYG213260182"), 2u);
  auto c = handler_->Counters();
  EXPECT_EQ(c["rows_added"], 2u);
  EXPECT_EQ(c["rows_duplicate"], 2u);
  auto e = board_.Snapshot().at("CNYG213260182");
  EXPECT_TRUE(e.up);
  EXPECT_GT(e.last_contact_ms, 0);
}

TEST_F(AdmsHandlerTest, StoredPunchCarriesTerminalUnitAndOffset) {
  Open();
  ASSERT_EQ(Call("POST", kUpload, kBody).status, 200);
  bool found = false;
  ASSERT_TRUE(store_
                  ->ForEachPunch([&](const wire::Punch& p, storage::PunchState st) {
                    if (p.pin() != "46") return true;
                    found = true;
                    EXPECT_EQ(st, storage::PunchState::kQueued);
                    EXPECT_EQ(p.device_time(), *ParseCivil("2025-01-29 06:58:48"));
                    EXPECT_EQ(p.verify(), 15u);
                    EXPECT_EQ(p.unit(), "kec-test");
                    EXPECT_EQ(p.utc_offset_min(), 420);
                    EXPECT_EQ(p.source(), wire::SOURCE_ADMS);
                    return true;
                  })
                  .ok());
  EXPECT_TRUE(found);
}

// The rows of one POST are stamped with one look at the clock's sync state (a system call on
// a real box); the reply's Date rule may look once more.
TEST_F(AdmsHandlerTest, OneUploadReadsTheClockOnceForAllItsRows) {
  Open();
  std::string body;
  for (int i = 0; i < 300; ++i) {
    body += std::to_string(100 + i) + "\t2025-01-29 07:" + (i % 60 < 10 ? "0" : "") +
            std::to_string(i % 60) + ":00\t0\t1\t0\t0\t0\t0\t0\t0\t" + std::to_string(20000 + i) +
            "\n";
  }
  clock_.SetSynced(false);
  int before = counting_.synced_reads();
  auto r = Call("POST", kUpload, body);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "OK: 300\n");
  EXPECT_LE(counting_.synced_reads() - before, 2);
  uint64_t stamped = 0;
  ASSERT_TRUE(store_
                  ->ForEachPunch([&](const wire::Punch& p, storage::PunchState) {
                    stamped += p.received_at_ms() == clock_.Wall().count() && !p.clock_synced();
                    return true;
                  })
                  .ok());
  EXPECT_EQ(stamped, 300u);
}

TEST_F(AdmsHandlerTest, GarbageLinesAnsweredAndCountedGoodOnesStored) {
  Open();
  auto r = Call("POST", kUpload, std::string(kBody) + "garbage line\n\x01\x02\n");
  EXPECT_EQ(r.body, "OK: 4\n");
  EXPECT_EQ(StoredFrom("CNYG213260182"), 2u);
  EXPECT_EQ(handler_->Counters()["rejected.bad_line"], 2u);
}

TEST_F(AdmsHandlerTest, UnknownSerialRefusedAndCounted) {
  Open();
  auto r = Call("POST", "/iclock/cdata?SN=STRANGER&table=ATTLOG", kBody);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body.find("OK"), std::string::npos);
  EXPECT_EQ(Call("GET", "/iclock/getrequest?SN=STRANGER").status, 403);
  EXPECT_EQ(handler_->Counters()["rejected.unknown_serial"], 2u);
  EXPECT_EQ(StoredFrom("STRANGER"), 0u);
  EXPECT_EQ(board_.Snapshot().count("STRANGER"), 0u);
}

TEST_F(AdmsHandlerTest, BadTargetsAndOtherTables) {
  Open();
  EXPECT_EQ(Call("GET", "/favicon.ico").status, 400);
  EXPECT_EQ(Call("GET", "/iclock/cdata?table=ATTLOG").status, 400);
  EXPECT_EQ(handler_->Counters()["rejected.bad_target"], 2u);
  auto op = Call("POST", "/iclock/cdata?SN=CNYG213260182&table=OPERLOG&Stamp=1",
                 "OPLOG 4\t0\t2025-01-29 06:58:48\t0\t0\t0\t0\n");
  EXPECT_EQ(op.body, "OK: 1\n");
  EXPECT_EQ(Call("POST", "/iclock/cdata?SN=CNYG213260182&table=options", "A=1,B=2").body, "OK\n");
  EXPECT_EQ(Call("GET", "/iclock/ping?SN=CNYG213260182").body, "OK\n");
  EXPECT_EQ(Call("POST", "/iclock/registry?SN=CNYG213260182").status, 404);
  EXPECT_EQ(StoredFrom("CNYG213260182"), 0u);
}

TEST_F(AdmsHandlerTest, StoreFullRefusesWithoutOkAndKeepsNothingHalf) {
  Open(/*cap=*/256u << 10, /*initial=*/64u << 10);
  uint64_t ok_rows = 0;
  int refused = 0;
  for (int batch = 0; batch < 400 && refused == 0; ++batch) {
    std::string body;
    for (int i = 0; i < 128; ++i) {
      int k = batch * 128 + i;
      body += std::to_string(1000 + k % 500) + "\t2025-01-" +
              std::to_string(10 + k / 500 / 24 % 18) + " " + std::to_string(k / 500 % 24 + 10) +
              ":" + std::to_string(10 + k % 50) + ":00\t0\t1\n";
    }
    auto r = Call("POST", kUpload, body);
    if (r.status == 200) {
      ok_rows += 128;
    } else {
      EXPECT_EQ(r.status, 503);
      EXPECT_EQ(r.body.find("OK"), std::string::npos) << r.body;
      ++refused;
    }
  }
  ASSERT_EQ(refused, 1) << "the store never filled";
  EXPECT_EQ(StoredFrom("CNYG213260182"), ok_rows);
  EXPECT_EQ(handler_->Counters()["rejected.store_full"], 1u);
  EXPECT_EQ(board_.Snapshot().at("CNYG213260182").last_error, "store full");
}

TEST_F(AdmsHandlerTest, FirstGetRequestAsksForTheGapFromTheNewestStoredPunch) {
  Open();
  ASSERT_EQ(Call("POST", kUpload, kBody).status, 200);
  auto r = Call("GET", "/iclock/getrequest?SN=CNYG213260182");
  int64_t s = 0, e = 0;
  auto cmds = ParseGetRequestReply(r.body);
  ASSERT_EQ(cmds.size(), 1u) << r.body;
  ASSERT_TRUE(ParseDataQueryAttlog(cmds[0].command, &s, &e)) << r.body;
  EXPECT_EQ(FormatCivil(s, ' '), "2025-01-29 05:59:10");  // newest stored punch - 1 h
  EXPECT_EQ(FormatCivil(e, ' '), "2025-01-30 07:00:00");  // local now (07:00 WIB) + 1 day
  EXPECT_EQ(Call("GET", "/iclock/getrequest?SN=CNYG213260182").body, "OK\n");
  EXPECT_EQ(Call("POST", "/iclock/devicecmd?SN=CNYG213260182",
                 "ID=" + cmds[0].id + "&Return=0&CMD=DATA\n")
                .body,
            "OK\n");
  // After a long silence (a LAN outage), the next poll asks again.
  clock_.Advance(31min);
  EXPECT_EQ(ParseGetRequestReply(Call("GET", "/iclock/getrequest?SN=CNYG213260182").body).size(),
            1u);
  EXPECT_EQ(handler_->Counters()["gap_queries"], 2u);
}

TEST_F(AdmsHandlerTest, GapWindowWithoutHistoryIsTheLastMonth) {
  Open();
  auto cmds = ParseGetRequestReply(Call("GET", "/iclock/getrequest?SN=CNYG213260182").body);
  ASSERT_EQ(cmds.size(), 1u);
  int64_t s = 0, e = 0;
  ASSERT_TRUE(ParseDataQueryAttlog(cmds[0].command, &s, &e));
  EXPECT_EQ(FormatCivil(s, ' '), "2024-12-29 07:00:00");
}

TEST_F(AdmsHandlerTest, HandshakeOptionsAndDateOnlyWhenSynced) {
  Open();
  auto r = Call("GET", "/iclock/cdata?SN=CNYG213260182&options=all&pushver=2.2.14");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.rfind("GET OPTION FROM: CNYG213260182\n", 0), 0u);
  EXPECT_NE(r.body.find("TimeZone=7\n"), std::string::npos);
  EXPECT_NE(r.body.find("Realtime=1\n"), std::string::npos);
  EXPECT_EQ(r.date, "Wed, 29 Jan 2025 00:00:00 GMT");
  // The stamp the terminal sent with a committed upload comes back in the next handshake.
  ASSERT_EQ(Call("POST", kUpload, kBody).status, 200);
  clock_.SetSynced(false);
  r = Call("GET", "/iclock/cdata?SN=CNYG213260182&options=all");
  EXPECT_NE(r.body.find("ATTLOGStamp=9999\n"), std::string::npos) << r.body;
  EXPECT_TRUE(r.date.empty());
}

TEST_F(AdmsHandlerTest, TerminalMarkedDownAfterSilence) {
  Open();
  ASSERT_EQ(Call("GET", "/iclock/ping?SN=CNYG213260182").status, 200);
  handler_->Tick();
  EXPECT_TRUE(board_.Snapshot().at("CNYG213260182").up);
  clock_.Advance(61s);
  handler_->Tick();
  EXPECT_FALSE(board_.Snapshot().at("CNYG213260182").up);
}

}  // namespace
}  // namespace titip::gateway
