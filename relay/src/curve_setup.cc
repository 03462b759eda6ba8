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
  if (!cfg.signing_key_file.empty()) {
    auto sk = LoadSigningKeyFile(cfg.signing_key_file);
    if (!sk.ok()) return sk.status();
    sec.signing_key = std::make_shared<const SigningKey>(std::move(*sk));
  }
  if (!cfg.origin_keys_file.empty()) {
    auto ok = LoadOriginKeys(cfg.origin_keys_file);
    if (!ok.ok()) return ok.status();
    sec.origin_keys = std::make_shared<OriginKeys>(std::move(*ok));
  }
  return sec;
}

}  // namespace titip::relay
