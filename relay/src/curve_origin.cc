// Origin binding at the first hop (see OriginsAllowed in zap_handler.h). CURVE proves which
// node sent a bundle, not who first stored its punches; a gateway carries only its own, so a
// gateway key handing over another office's punches is a forgery and is dropped unacked.
// Relays (marked in the allowlist) legitimately carry others' punches; end-to-end origin
// signatures are what will protect those.
#include <spdlog/spdlog.h>

#include "titip/relay/engine.h"
#include "titip/relay/punch_codec.h"
#include "zap_handler.h"

namespace titip::relay {

bool OriginsAllowed(const wire::Envelope& env, bool may_relay, LoopCounters& counters) {
  if (may_relay || !env.has_bundle()) return true;
  const wire::Bundle& b = env.bundle();
  std::vector<wire::Punch> unpacked;
  if (!b.packed().empty() && !UnpackPunches(b.packed(), &unpacked, kMaxBundlePunches).ok()) {
    return true;  // the engine refuses and counts it as malformed
  }
  const auto& punches = b.packed().empty()
                            ? std::vector<wire::Punch>(b.punches().begin(), b.punches().end())
                            : unpacked;
  for (const auto& p : punches) {
    if (p.origin() == env.sender()) continue;
    ++counters.bundles_foreign_origin;
    if (counters.bundles_foreign_origin <= 20 || counters.bundles_foreign_origin % 1000 == 0) {
      spdlog::warn(
          "dropped bundle from '{}': it carries punches of origin '{}' and '{}' is not marked "
          "'relay' in allowed_keys_file; {} so far",
          env.sender(), p.origin().substr(0, 64), env.sender(), counters.bundles_foreign_origin);
    }
    return false;
  }
  return true;
}

}  // namespace titip::relay
