// Start-up half of link security: turns the [security] config section into the key material
// the node loop needs, refusing (with the exact fix in the message) a key file others can
// read, a malformed key or a bad allowlist line. Daemons exit 78 (EX_CONFIG) on any of these:
// they are deployment mistakes an operator must fix, and restarting will not help.
#pragma once

#include "titip/config/config.h"
#include "titip/relay/node_loop.h"

namespace titip::relay {

// `listens`: the node accepts downstream peers, so it needs the allowlist.
Result<NodeLoopOptions::Security> LoadLinkSecurity(const config::SecurityConfig& cfg, bool listens);

}  // namespace titip::relay
