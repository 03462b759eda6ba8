// Loads [security] key material for a daemon (see security_setup.h).
#include "titip/relay/security_setup.h"

namespace titip::relay {

Result<NodeLoopOptions::Security> LoadLinkSecurity(const config::SecurityConfig& cfg,
                                                   bool listens) {
  NodeLoopOptions::Security sec;
  auto keys = LoadSecretKeyFile(cfg.secret_key_file);
  if (!keys.ok()) return keys.status();
  sec.keys = std::move(*keys);
  if (listens) {
    auto list = LoadAllowlist(cfg.allowed_keys_file);
    if (!list.ok()) return list.status();
    sec.allowlist = std::move(*list);
    sec.allowlist_path = cfg.allowed_keys_file;
  }
  return sec;
}

}  // namespace titip::relay
