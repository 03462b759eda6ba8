// The PostgreSQL export's thread beside the custody loop (pg_export.h says what it exports).
#pragma once

#include <memory>

#include "titip/relay/services.h"

namespace titip::aggregator {

// Null when the config has no [export.postgres]. An error (roster or schedule unreadable) stops
// the daemon before it serves; PostgreSQL being down is not an error (the thread retries).
Result<std::unique_ptr<relay::Service>> StartPostgresExport(relay::DaemonContext& ctx);

}  // namespace titip::aggregator
