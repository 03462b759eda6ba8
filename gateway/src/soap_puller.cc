// SOAP pull: raw HTTP/1.0 over a blocking socket with SO_RCVTIMEO/SO_SNDTIMEO (the terminal
// closes after the body; we read until EOF), decode rows as they arrive, commit in batches.
#include <utility>  // before Boost.Asio (Boost 1.74 + g++ 12)

#include "titip/gateway/soap_puller.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>
#include <future>
#include <random>

#include "titip/gateway/attlog_import.h"
#include "titip/gateway/soap_attlog.h"

namespace titip::gateway {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

SoapPuller::SoapPuller(SoapPullOptions o, storage::GroupCommitter& committer, const Clock& clock,
                       relay::TerminalBoard& board)
    : o_(std::move(o)), committer_(committer), clock_(clock), board_(board) {}

SoapPuller::~SoapPuller() { Stop(); }

void SoapPuller::Start() {
  thread_ = std::thread([this] {
    std::mt19937_64 rng(std::hash<std::string>()(o_.serial) ^
                        static_cast<uint64_t>(clock_.Wall().count()));
    for (;;) {
      (void)PullOnce();
      auto base = std::chrono::duration_cast<std::chrono::milliseconds>(o_.interval);
      auto jitter = std::chrono::milliseconds(
          static_cast<int64_t>(rng() % static_cast<uint64_t>(base.count() / 5 + 1)) -
          base.count() / 10);
      std::unique_lock<std::mutex> l(mu_);
      if (cv_.wait_for(l, base + jitter, [&] { return stop_; })) return;
    }
  });
}

void SoapPuller::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<SoapPullReport> SoapPuller::PullOnce() {
  auto r = Pull();
  int64_t now = clock_.Wall().count();
  std::string err = r.ok() ? "" : r.status().message();
  board_.Update(o_.serial, [&](relay::TerminalBoard::Entry& e) {
    e.up = r.ok();
    if (r.ok()) {
      e.last_contact_ms = now;
      e.records = r->rows;
    }
    e.last_error = err;
  });
  if (!r.ok()) {
    spdlog::warn("soap: terminal {} at {}: pull failed: {}", o_.serial, o_.address, err);
  } else {
    spdlog::info("soap: terminal {}: {} rows, {} new, {} already stored, {} unreadable", o_.serial,
                 r->rows, r->added, r->duplicates, r->garbage);
  }
  return r;
}

Status SoapPuller::Commit(std::vector<wire::Punch>* punches, SoapPullReport* report) {
  if (punches->empty()) return Status::Ok();
  auto batch = std::make_shared<std::vector<wire::Punch>>(std::move(*punches));
  punches->clear();
  auto outcome = std::make_shared<storage::IntakeOutcome>();
  storage::WriteOp op;
  op.intake = true;
  op.apply = [batch, outcome](storage::WriteTxn& txn) {
    *outcome = {};
    return txn.AppendLocal(batch.get(), outcome.get());
  };
  std::promise<Status> done;
  auto f = done.get_future();
  committer_.Submit(std::move(op), [&done](Status s) { done.set_value(std::move(s)); });
  Status s = f.get();
  if (!s.ok()) return s;
  report->added += outcome->added;
  report->duplicates += outcome->duplicates;
  report->rejected += outcome->rejected;
  return Status::Ok();
}

Result<SoapPullReport> SoapPuller::Pull() {
  size_t colon = o_.address.rfind(':');
  if (colon == std::string::npos) return Status::Invalid("address must be HOST:PORT");
  SoapPullReport report;
  try {
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    auto eps = resolver.resolve(o_.address.substr(0, colon), o_.address.substr(colon + 1));
    tcp::socket sock(ioc);
    sock.open(eps.begin()->endpoint().protocol());
    timeval tv{};
    tv.tv_sec = o_.timeout.count();
    setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(sock.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sock.connect(eps.begin()->endpoint());
    asio::write(sock, asio::buffer(BuildGetAttLogRequest(o_.comm_key)));
    std::string head;
    bool in_body = false;
    SoapAttLogParser parser;
    std::vector<AttlogRecord> records;
    std::vector<wire::Punch> punches;
    uint64_t total = 0;
    char buf[16384];
    for (;;) {
      boost::system::error_code ec;
      size_t n = sock.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::eof) break;
      if (ec) return Status::Unavailable("read: " + ec.message());
      if ((total += n) > o_.max_response_bytes) return Status::Corruption("reply too large");
      std::string_view chunk(buf, n);
      if (!in_body) {
        head.append(chunk);
        size_t end = head.find("\r\n\r\n");
        if (end == std::string::npos) {
          if (head.size() > 16384) return Status::Corruption("HTTP header too large");
          continue;
        }
        if (head.compare(0, 5, "HTTP/") != 0 || head.find(" 200") > head.find("\r\n")) {
          return Status::Unavailable("terminal answered: " + head.substr(0, head.find('\r')));
        }
        in_body = true;
        chunk = std::string_view(head).substr(end + 4);
        parser.Feed(chunk, &records);
      } else {
        parser.Feed(chunk, &records);
      }
      const ReceivedAt at = records.empty() ? ReceivedAt{} : ReceivedAt::Now(clock_);
      for (const auto& r : records) {
        punches.push_back(
            RecordToPunch(r, o_.serial, o_.unit, o_.utc_offset_min, wire::SOURCE_SOAP, at));
      }
      records.clear();
      if (punches.size() >= o_.batch) {
        if (Status s = Commit(&punches, &report); !s.ok()) return s;
      }
    }
    parser.Finish();
    if (!in_body) return Status::Unavailable("connection closed before a reply");
    if (!parser.saw_response()) return Status::Corruption("reply is not a GetAttLogResponse");
    if (Status s = Commit(&punches, &report); !s.ok()) return s;
    report.rows = parser.rows();
    report.garbage = parser.garbage_count();
  } catch (const std::exception& e) {
    return Status::Unavailable(e.what());
  }
  return report;
}

}  // namespace titip::gateway
