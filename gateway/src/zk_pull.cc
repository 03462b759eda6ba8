// One ZK pull over any byte stream (terminal-protocols.md §1.3, §1.5, §1.7, §1.8).
#include <future>

#include "titip/gateway/attlog_import.h"
#include "titip/gateway/zk_pull.h"

namespace titip::gateway {
namespace {

constexpr uint32_t kUdpChunk = 16384;  // what pyzk asks over UDP (§1.5)

// Session and reply numbering over a stream; skips realtime event packets.
class ZkConn {
 public:
  explicit ZkConn(ByteStream& s) : s_(s) {}
  Status Send(uint16_t cmd, std::string_view data) {
    ++reply_;
    if (s_.datagram()) return s_.Write(zk::EncodePacket(cmd, session_, reply_, data));
    return s_.Write(zk::EncodeTcp(cmd, session_, reply_, data));
  }
  Result<zk::Packet> Recv() {
    while (true) {
      if (auto p = reader_.Next()) {
        if (p->cmd == zk::kCmdRegEvent) continue;  // a live event, not our reply
        return std::move(*p);
      }
      Result<std::string> bytes = s_.ReadSome();
      if (!bytes.ok()) return bytes.status();
      if (!s_.datagram()) {
        reader_.Feed(*bytes);
        continue;
      }
      Result<zk::Packet> p = zk::DecodePacket(*bytes);
      if (!p.ok()) continue;  // a runt datagram: wait for the next
      if (p->cmd == zk::kCmdRegEvent) continue;
      return p;
    }
  }
  Result<zk::Packet> Call(uint16_t cmd, std::string_view data = {}) {
    if (Status st = Send(cmd, data); !st.ok()) return st;
    return Recv();
  }
  Status Connect(uint32_t comm_key) {
    Result<zk::Packet> r = Call(zk::kCmdConnect);
    if (!r.ok()) return r.status();
    session_ = r->session;
    if (r->cmd == zk::kAckOk) return Status::Ok();
    if (r->cmd != zk::kAckUnauth) return Unexpected(*r, "CMD_CONNECT");
    auto key = zk::MakeCommKey(comm_key, session_);
    r = Call(zk::kCmdAuth, std::string_view(reinterpret_cast<const char*>(key.data()), 4));
    if (!r.ok()) return r.status();
    if (r->cmd == zk::kAckOk) return Status::Ok();
    return Status::Precondition("the terminal refused comm key " +
                                std::string(comm_key ? "(set)" : "0 (none configured)") +
                                ": reply " + zk::CmdName(r->cmd));
  }
  static Status Unexpected(const zk::Packet& p, const std::string& after) {
    return Status::Corruption("unexpected " + zk::CmdName(p.cmd) + " after " + after);
  }
  uint64_t garbage() const { return reader_.garbage_bytes(); }

 private:
  ByteStream& s_;
  zk::TcpFrameReader reader_;
  uint16_t session_ = 0;
  uint16_t reply_ = 0;
};

// Keeps the code (a full store is not a network fault) and names the step.
Status Prefix(const Status& s, const std::string& step) {
  std::string m = step + ": " + s.message();
  switch (s.code()) {
    case Code::kStoreFull:
      return Status::StoreFull(m);
    case Code::kCorruption:
      return Status::Corruption(m);
    case Code::kIoError:
      return Status::IoError(m);
    case Code::kFailedPrecondition:
      return Status::Precondition(m);
    case Code::kInvalidArgument:
      return Status::Invalid(m);
    default:
      return Status::Unavailable(m);
  }
}

Result<zk::FreeSizes> ReadSizes(ZkConn& c) {
  Result<zk::Packet> r = c.Call(zk::kCmdGetFreeSizes);
  if (!r.ok()) return r.status();
  if (r->cmd != zk::kAckOk) return ZkConn::Unexpected(*r, "CMD_GET_FREE_SIZES");
  return zk::DecodeFreeSizes(r->data);
}

Result<int64_t> ReadTime(ZkConn& c) {
  Result<zk::Packet> r = c.Call(zk::kCmdGetTime);
  if (!r.ok()) return r.status();
  if (r->cmd != zk::kAckOk || r->data.size() < 4) return ZkConn::Unexpected(*r, "CMD_GET_TIME");
  uint32_t t = 0;
  for (int i = 3; i >= 0; --i) t = (t << 8) | static_cast<uint8_t>(r->data[i]);
  std::optional<int64_t> civil = zk::DecodeTime(t);
  if (!civil)
    return Status::Corruption("terminal clock reads an impossible date (" + std::to_string(t) +
                              ")");
  return *civil;
}

Status Append(std::vector<wire::Punch> punches, storage::GroupCommitter& committer,
              ZkPullReport* report) {
  auto batch = std::make_shared<std::vector<wire::Punch>>(std::move(punches));
  auto outcome = std::make_shared<storage::IntakeOutcome>();
  storage::WriteOp op;
  op.intake = true;
  op.size_hint = batch->size() * 64;
  op.apply = [batch, outcome](storage::WriteTxn& txn) {
    *outcome = storage::IntakeOutcome();
    return txn.AppendLocal(batch.get(), outcome.get());
  };
  auto done = std::make_shared<std::promise<Status>>();
  std::future<Status> fut = done->get_future();
  committer.Submit(std::move(op), [done](Status s) { done->set_value(std::move(s)); });
  Status s = fut.get();
  if (!s.ok()) return s;
  report->added += outcome->added;
  report->duplicates += outcome->duplicates;
  report->rejected += outcome->rejected;
  return Status::Ok();
}

}  // namespace

Result<ZkPullReport> PullZkOnce(ByteStream& stream, const ZkPullOptions& o,
                                storage::GroupCommitter& committer, const Clock& clock) {
  ZkConn c(stream);
  ZkPullReport rep;
  if (Status s = c.Connect(o.comm_key); !s.ok()) return Prefix(s, "connect");
  Result<zk::FreeSizes> sizes = ReadSizes(c);
  if (!sizes.ok()) return Prefix(sizes.status(), "free sizes");
  rep.sizes = *sizes;
  rep.nearly_full =
      sizes->record_capacity > 0 &&
      int64_t{sizes->records} * 100 > int64_t{sizes->record_capacity} * o.full_warn_percent;
  Result<int64_t> term_time = ReadTime(c);
  if (!term_time.ok()) return Prefix(term_time.status(), "get time");
  int64_t local_now = clock.Wall().count() / 1000 + int64_t{o.utc_offset_min} * 60;
  rep.clock_skew_s = *term_time - local_now;
  rep.skew_known = true;

  Result<std::string> dataset =
      zk::ReadBuffered([&](uint16_t cmd, std::string_view d) { return c.Send(cmd, d); },
                       [&] { return c.Recv(); }, stream.datagram() ? kUdpChunk : zk::kMaxChunk);
  if (!dataset.ok()) return Prefix(dataset.status(), "read attendance");
  Result<zk::Attendance> att =
      zk::DecodeAttendance(*dataset, static_cast<uint32_t>(std::max(0, sizes->records)));
  if (!att.ok()) return Prefix(att.status(), "decode attendance");
  rep.read = att->records.size();
  rep.bad_records = att->bad_records;
  rep.record_size = att->record_size;

  std::vector<wire::Punch> batch;
  const ReceivedAt at = ReceivedAt::Now(clock);  // the whole dataset came in one read
  for (const zk::Record& r : att->records) {
    wire::Punch p;
    p.set_terminal(o.serial);
    p.set_pin(r.pin);
    p.set_device_time(r.device_time);
    p.set_utc_offset_min(o.utc_offset_min);
    p.set_verify(r.verify);
    p.set_status(r.status);
    p.set_workcode(r.workcode);
    p.set_received_at_ms(at.wall_ms);
    p.set_clock_synced(at.synced);
    p.set_source(wire::SOURCE_ZK);
    p.set_unit(o.unit);
    batch.push_back(std::move(p));
    if (batch.size() >= o.batch) {
      if (Status s = Append(std::move(batch), committer, &rep); !s.ok()) return Prefix(s, "store");
      batch.clear();
    }
  }
  if (!batch.empty()) {
    if (Status s = Append(std::move(batch), committer, &rep); !s.ok()) return Prefix(s, "store");
  }
  // Everything is stored; a terminal that drops the goodbye costs nothing.
  (void)c.Call(zk::kCmdExit);
  return rep;
}

}  // namespace titip::gateway
