// The libpqxx side of the PostgreSQL export: one connection, the schema migrations, and one
// PostgreSQL transaction per batch (punch rows + recomputed recaps + the cursor). Exceptions
// from libpqxx stop here and become a Status. Not thread-safe: owned by the export thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "titip/aggregator/pg_export.h"
#include "titip/aggregator/roster.h"
#include "titip/aggregator/schedule.h"
#include "titip/common/status.h"

namespace pqxx {
class connection_base;
}

namespace titip::aggregator::pg {
// pqxx::connection_base has no virtual destructor: deleting the connection through it would
// skip closing the socket and leak the PGconn on every reconnect. This deleter deletes the
// concrete pqxx::connection (pg_exporter.cc).
struct ConnectionDeleter {
  void operator()(pqxx::connection_base* c) const;
};
}  // namespace titip::aggregator::pg

namespace titip::aggregator::pg {

class PgExporter {
 public:
  struct Options {
    std::string dsn;   // never logged (it may hold a password)
    std::string node;  // this aggregator's node id: the cursor's key, exported_by
    uint64_t epoch = 0;
  };
  // `schedule` null = no recaps (the daemon has no schedule_file); roster may be empty.
  PgExporter(Options options, Roster roster, std::unique_ptr<Schedule> schedule);
  ~PgExporter();

  // Connects, applies pending migrations, reads this node's cursor. Unavailable when the
  // server cannot be reached; Precondition when its schema is newer than this build.
  Status Connect(uint64_t* resume_after, int* schema_version);
  void Disconnect();
  bool connected() const { return conn_ != nullptr; }

  struct BatchResult {
    uint64_t inserted = 0;  // new punch rows
    uint64_t recaps = 0;    // recap rows upserted
  };
  // One PostgreSQL transaction: inserts `rows` (non-empty, ascending sink_seq), upserts the
  // recaps of the days they touch and moves the cursor to rows.back().sink_seq. On error
  // nothing of it is committed (or, if the commit's answer was lost, all of it: the caller
  // reconnects and re-reads the cursor either way).
  Status Export(const std::vector<PunchRow>& rows, BatchResult* out);

 private:
  Options opts_;
  Roster roster_;
  std::unique_ptr<Schedule> schedule_;
  std::unique_ptr<pqxx::connection_base, ConnectionDeleter> conn_;
};

}  // namespace titip::aggregator::pg
