// The zk pull against termsim's ZK terminal logic, in memory (PullZkOnce) and over loopback
// TCP (the scheduled service), with a real store and a ManualClock.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <thread>

#include "counting_clock.h"
#include "titip/common/civil_time.h"
#include "titip/gateway/zk_pull.h"
#include "titip/tools/workload.h"
#include "zk_device.h"
#include "zk_server.h"

#include <utility>  // before Boost.Asio

#include <boost/asio.hpp>

namespace titip::gateway {
namespace {

namespace zk = gateway::zk;
using tools::ZkDevice;
using tools::ZkDeviceOptions;
using tools::ZkSession;

// Wall clock at 2026-11-05 01:00:00 UTC = 08:00 WIB.
constexpr int64_t kWall0Ms = 1'793'840'400'000;

std::vector<zk::Record> Workload(uint32_t users, uint32_t days) {
  tools::WorkloadOptions o;
  o.users = users;
  o.days = days;
  o.start_day = *ParseCivilDate("2026-11-02");
  o.seed = 5;
  std::vector<zk::Record> out;
  EXPECT_TRUE(tools::GenerateWorkload(o, [&](const tools::Punch& p) {
                out.push_back({0, p.pin, p.time, p.verify, p.status, p.workcode});
                return Status::Ok();
              }).ok());
  return out;
}

// Bytes written go through a ZkSession; its frames come back on the next read.
class SessionStream final : public ByteStream {
 public:
  explicit SessionStream(ZkDevice& d) : session_(d, 0x4A01) {}
  Status Write(std::string_view bytes) override {
    reader_.Feed(bytes);
    while (auto p = reader_.Next()) {
      bool close = false;
      for (const auto& f : session_.Handle(*p, &close)) out_ += f;
    }
    return Status::Ok();
  }
  Result<std::string> ReadSome() override {
    if (out_.empty()) return Status::Unavailable("read: timed out");
    // Hand out odd-sized pieces: frame reassembly must not depend on read boundaries.
    size_t n = std::min<size_t>(out_.size(), 777);
    std::string s = out_.substr(0, n);
    out_.erase(0, n);
    return s;
  }

 private:
  ZkSession session_;
  zk::TcpFrameReader reader_;
  std::string out_;
};

class ZkPull : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/zk-pull-XXXXXX";
    dir_ = mkdtemp(tmpl);
    storage::StoreOptions so;
    so.dir = dir_ + "/store";
    so.node_id = "kec-test";
    auto s = storage::Store::Open(so, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    committer_ = std::make_unique<storage::GroupCommitter>(*store_, clock_);
  }
  void TearDown() override {
    committer_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  ZkPullOptions Opts(uint32_t key = 0) {
    ZkPullOptions o;
    o.serial = "ZK0001";
    o.unit = "kec-test";
    o.comm_key = key;
    o.batch = 500;
    return o;
  }

  ManualClock clock_{WallTime(kWall0Ms)};
  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<storage::GroupCommitter> committer_;
};

TEST_F(ZkPull, StoresEveryRecordOnceInDirectAndChunkedModes) {
  for (uint32_t direct_max : {1u << 20, 0u}) {
    ZkDeviceOptions d;
    d.serial = "ZK0001";
    d.direct_max = direct_max;
    d.frame_max = 1008;
    d.clock_drift_s = 600;
    auto records = Workload(200, 3);
    ZkDevice dev(d, records, clock_);
    SessionStream s1(dev);
    auto r = PullZkOnce(s1, Opts(), *committer_, clock_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->read, records.size());
    EXPECT_EQ(r->record_size, 40u);
    EXPECT_EQ(r->sizes.records, static_cast<int32_t>(records.size()));
    EXPECT_TRUE(r->skew_known);
    EXPECT_EQ(r->clock_skew_s, 600);
    EXPECT_FALSE(r->nearly_full);
    // First round stores all; the second (other mode, same punches) only finds duplicates.
    if (direct_max) {
      EXPECT_EQ(r->added, records.size());
    } else {
      EXPECT_EQ(r->added, 0u);
      EXPECT_EQ(r->duplicates, records.size());
    }
  }
}

// A terminal's whole log arrives in one dataset read: one look at the clock's sync state
// (a system call on a real box) stamps every punch of it.
TEST_F(ZkPull, ReadsTheClockOncePerPullAndStampsEveryPunch) {
  ZkDeviceOptions d;
  d.serial = "ZK0001";
  auto records = Workload(200, 3);
  ZkDevice dev(d, records, clock_);
  SessionStream stream(dev);
  clock_.SetSynced(false);
  testing::CountingClock counting(clock_);
  auto r = PullZkOnce(stream, Opts(), *committer_, counting);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->added, records.size());
  ASSERT_GT(records.size(), 1000u);  // several store batches of 500
  EXPECT_EQ(counting.synced_reads(), 1);
  auto queued = store_->FetchQueued(0, records.size() + 1, 1u << 30);
  ASSERT_TRUE(queued.ok());
  ASSERT_EQ(queued->size(), records.size());
  for (const auto& q : *queued) {
    EXPECT_EQ(q.punch.received_at_ms(), clock_.Wall().count());
    EXPECT_FALSE(q.punch.clock_synced());
    EXPECT_EQ(q.punch.source(), wire::SOURCE_ZK);
  }
}

TEST_F(ZkPull, CommKeyIsCheckedBothWays) {
  ZkDeviceOptions d;
  d.serial = "ZK0001";
  d.comm_key = 123456;
  ZkDevice dev(d, Workload(3, 1), clock_);
  {
    SessionStream s(dev);
    auto r = PullZkOnce(s, Opts(123456), *committer_, clock_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_GT(r->added, 0u);
  }
  for (uint32_t wrong : {123457u, 0u}) {
    SessionStream s(dev);
    auto r = PullZkOnce(s, Opts(wrong), *committer_, clock_);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("comm key"), std::string::npos) << r.status().ToString();
  }
}

TEST_F(ZkPull, NearlyFullLogIsFlagged) {
  ZkDeviceOptions d;
  d.serial = "ZK0001";
  auto records = Workload(20, 1);
  d.record_capacity = static_cast<uint32_t>(records.size() + records.size() / 10);
  ZkDevice dev(d, records, clock_);
  SessionStream s(dev);
  auto r = PullZkOnce(s, Opts(), *committer_, clock_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->nearly_full);
}

// A terminal that answers garbage: a clear error, nothing stored, no crash.
class GarbageStream final : public ByteStream {
 public:
  Status Write(std::string_view) override { return Status::Ok(); }
  Result<std::string> ReadSome() override {
    if (reads_++ > 3) return Status::Unavailable("read: timed out");
    return std::string("\x50\x50\x82\x7d\x08\x00\x00\x00\xd0\x07garbage!!", 18);
  }
  int reads_ = 0;
};

TEST_F(ZkPull, GarbageTerminalIsAClearError) {
  GarbageStream g;
  auto r = PullZkOnce(g, Opts(), *committer_, clock_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("free sizes"), std::string::npos) << r.status().ToString();
}

// Serves `dev` (never freed) on a free loopback port, TCP and UDP, from a detached thread
// for the rest of the process; returns the port once it answers.
int ServeForever(ZkDevice* dev) {
  int port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  std::thread([port, dev] {
    tools::ZkServerOptions so;
    so.port = static_cast<uint16_t>(port);
    so.frame_gap_ms = 0;
    (void)tools::RunZkServer(*dev, so);
  }).detach();
  for (int i = 0; i < 100; ++i) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket s(io);
    boost::system::error_code ec;
    s.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)}, ec);
    if (!ec) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return port;
}

TEST_F(ZkPull, UdpTransportReadsEveryRecordInSmallDatagrams) {
  ZkDeviceOptions d;
  d.serial = "ZK0001";
  d.clock_drift_s = 30;
  auto records = Workload(300, 3);
  int port = ServeForever(new ZkDevice(d, records, clock_));
  auto stream =
      ConnectZkUdp("127.0.0.1:" + std::to_string(port), std::chrono::milliseconds(3000), nullptr);
  ASSERT_TRUE(stream.ok()) << stream.status().ToString();
  auto r = PullZkOnce(**stream, Opts(), *committer_, clock_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->read, records.size());
  EXPECT_EQ(r->added, records.size());
  EXPECT_EQ(r->clock_skew_s, 30);
}

TEST(ZkTermsimUdp, DataFramesFitPyzksRecvBuffer) {
  ManualClock clock{WallTime(kWall0Ms)};
  ZkDeviceOptions d;
  d.serial = "ZK0001";
  ZkDevice dev(d, Workload(50, 3), clock);
  ZkSession s(dev, 7, /*datagram=*/true);
  bool close = false;
  zk::Packet p;
  p.cmd = zk::kCmdConnect;
  s.Handle(p, &close);
  p.cmd = zk::kCmdPrepareBuffer;
  p.data = zk::PrepareBufferRequest();
  auto ack = s.Handle(p, &close);
  ASSERT_EQ(ack.size(), 1u);
  auto a = zk::DecodePacket(std::string_view(ack[0]).substr(zk::kTcpTopSize));
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->cmd, zk::kAckOk);  // > 1016 bytes: never a direct reply over UDP
  p.cmd = zk::kCmdReadBuffer;
  p.data = zk::ReadBufferRequest(0, 16384);
  size_t data_bytes = 0;
  for (const auto& f : s.Handle(p, &close)) {
    auto q = zk::DecodePacket(std::string_view(f).substr(zk::kTcpTopSize));
    ASSERT_TRUE(q.ok());
    EXPECT_LE(q->data.size(), 1024u);
    if (q->cmd == zk::kCmdData) data_bytes += q->data.size();
  }
  EXPECT_EQ(data_bytes, 16384u);
}

// The scheduled service over loopback TCP, against termsim's server on a free port.
TEST_F(ZkPull, ServicePollsAtOnceThenOnTheInjectedClock) {
  ZkDeviceOptions d;
  d.serial = "ZK0001";
  d.clock_drift_s = -90;
  ZkDevice* dev = new ZkDevice(d, Workload(10, 1), clock_);
  int port = ServeForever(dev);

  config::Config cfg;
  cfg.node.unit = "kec-test";
  config::TerminalConfig t;
  t.serial = "ZK0001";
  t.address = "127.0.0.1:" + std::to_string(port);
  t.poll_interval_s = 60;
  relay::TerminalBoard board;
  relay::DaemonContext ctx{cfg, *store_, *committer_, clock_, board, nullptr};
  auto contact = [&] { return board.Snapshot()["ZK0001"].last_contact_ms; };
  auto wait_for = [&](const std::function<bool()>& pred) {
    for (int i = 0; i < 200 && !pred(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return pred();
  };
  auto svc = StartZkAdapter(ctx, t);
  ASSERT_TRUE(wait_for([&] { return contact() == kWall0Ms; }))
      << board.Snapshot()["ZK0001"].last_error;
  auto e = board.Snapshot()["ZK0001"];
  EXPECT_TRUE(e.up);
  EXPECT_EQ(e.clock_skew_s, -90);
  EXPECT_EQ(e.records, dev->record_count());
  // Not due yet: no new contact.
  clock_.Advance(std::chrono::seconds(59));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(contact(), kWall0Ms);
  // Past interval + the 10% jitter ceiling: polled again.
  clock_.Advance(std::chrono::seconds(8));
  ASSERT_TRUE(wait_for([&] { return contact() == kWall0Ms + 67'000; }));
  svc->Stop();
  svc.reset();

  // A terminal that is not there: counted, reported down, in Bahasa Indonesia for operators.
  t.address = "127.0.0.1:1";
  t.serial = "ZK0002";
  auto down = StartZkAdapter(ctx, t);
  ASSERT_TRUE(wait_for([&] { return !board.Snapshot()["ZK0002"].last_error.empty(); }));
  EXPECT_FALSE(board.Snapshot()["ZK0002"].up);
  EXPECT_NE(board.Snapshot()["ZK0002"].last_error.find("Gagal"), std::string::npos);
}

}  // namespace
}  // namespace titip::gateway
