// GLG/AGL import: the whole file is decoded first (the date order is a property of the file),
// then appended in batches, each one durable transaction, exactly like attlog.dat.
#include <fstream>
#include <sstream>

#include "titip/gateway/attlog_import.h"

namespace titip::gateway {

Result<ImportReport> ImportGlg(const ImportOptions& o, storage::Store& store, const Clock& clock,
                               const std::function<void(uint64_t, uint64_t)>& progress) {
  std::ifstream in(o.path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + o.path);
  in.seekg(0, std::ios::end);
  uint64_t size = static_cast<uint64_t>(in.tellg());
  if (size > kMaxGlgBytes) return Status::Invalid(o.path + " is too large for a GLG export");
  in.seekg(0);
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (static_cast<uint64_t>(in.gcount()) != size) return Status::IoError("read error in " + o.path);
  auto parsed = ParseGlg(text, o.date_order);
  if (!parsed.ok()) return Status::Invalid(o.path + ": " + parsed.status().message());
  ImportReport report;
  report.lines = parsed->lines;
  report.garbage = parsed->garbage;
  report.issues = parsed->issues;
  const auto& recs = parsed->records;
  for (size_t i = 0; i < recs.size(); i += o.batch) {
    size_t end = std::min(recs.size(), i + o.batch);
    std::vector<wire::Punch> punches;
    const ReceivedAt at = ReceivedAt::Now(clock);
    for (size_t k = i; k < end; ++k) {
      punches.push_back(RecordToPunch(recs[k], o.terminal_serial, o.unit, o.utc_offset_min,
                                      wire::SOURCE_USB, at));
    }
    storage::IntakeOutcome outcome;
    storage::WriteOp op;
    op.intake = true;
    op.apply = [&](storage::WriteTxn& txn) {
      outcome = {};
      return txn.AppendLocal(&punches, &outcome);
    };
    if (Status s = store.Write(std::move(op)); !s.ok()) return s;
    report.added += outcome.added;
    report.duplicates += outcome.duplicates;
    report.rejected += outcome.rejected;
    if (progress) progress(size * end / recs.size(), size);
  }
  if (progress) progress(size, size);
  return report;
}

}  // namespace titip::gateway
