// Reads an attlog file in blocks, decodes it with AttlogParser and appends the punches in
// batches, each batch one durable transaction.
#include "titip/gateway/attlog_import.h"

#include <fstream>

namespace titip::gateway {
namespace {

Status Commit(std::vector<AttlogRecord>* records, const ImportOptions& o, storage::Store& store,
              const Clock& clock, ImportReport* report) {
  if (records->empty()) return Status::Ok();
  std::vector<wire::Punch> punches;
  punches.reserve(records->size());
  const ReceivedAt at = ReceivedAt::Now(clock);
  for (const auto& r : *records) {
    punches.push_back(
        RecordToPunch(r, o.terminal_serial, o.unit, o.utc_offset_min, wire::SOURCE_USB, at));
  }
  records->clear();
  storage::IntakeOutcome outcome;
  storage::WriteOp op;
  op.intake = true;
  op.apply = [&](storage::WriteTxn& txn) { return txn.AppendLocal(&punches, &outcome); };
  Status s = store.Write(std::move(op));
  if (!s.ok()) return s;
  report->added += outcome.added;
  report->duplicates += outcome.duplicates;
  report->rejected += outcome.rejected;
  return Status::Ok();
}

}  // namespace

wire::Punch RecordToPunch(const AttlogRecord& r, const std::string& terminal,
                          const std::string& unit, int utc_offset_min, wire::Source source,
                          ReceivedAt at) {
  wire::Punch p;
  p.set_terminal(terminal);
  p.set_pin(r.pin);
  p.set_device_time(r.device_time);
  p.set_utc_offset_min(utc_offset_min);
  p.set_verify(r.verify);
  p.set_status(r.status);
  p.set_workcode(r.workcode);
  p.set_received_at_ms(at.wall_ms);
  p.set_clock_synced(at.synced);
  p.set_source(source);
  p.set_unit(unit);
  return p;
}

Result<ImportReport> ImportAttlog(const ImportOptions& o, storage::Store& store, const Clock& clock,
                                  const std::function<void(uint64_t, uint64_t)>& progress) {
  std::ifstream in(o.path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + o.path);
  std::string head(512, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (LooksLikeGlg(head)) return ImportGlg(o, store, clock, progress);
  in.clear();
  in.seekg(0, std::ios::end);
  uint64_t total = static_cast<uint64_t>(in.tellg()), done = 0;
  in.seekg(0);
  AttlogParser parser;
  ImportReport report;
  std::vector<AttlogRecord> records;
  std::string block(64 * 1024, '\0');
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    size_t n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    done += n;
    parser.Feed(std::string_view(block.data(), n), &records);
    if (records.size() >= o.batch) {
      if (Status s = Commit(&records, o, store, clock, &report); !s.ok()) return s;
      if (progress) progress(done, total);
    }
  }
  if (in.bad()) return Status::IoError("read error in " + o.path);
  parser.Finish(&records);
  if (Status s = Commit(&records, o, store, clock, &report); !s.ok()) return s;
  if (progress) progress(total, total);
  report.lines = parser.lines();
  report.garbage = parser.garbage_count();
  report.issues = parser.issues();
  return report;
}

}  // namespace titip::gateway
