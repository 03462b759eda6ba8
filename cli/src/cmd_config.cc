// `titipctl config check FILE`: the daemon's own loader (config::LoadConfig) run ahead of a
// restart, so an admin learns about a typo before systemd does. Exit 0 when valid, 78 with
// the loader's "FILE:LINE: key '...': why" otherwise. With [security] it also reads the key
// file and the allowlist as the daemon does at start (mode 0600, key format, allowlist
// lines), so a key set made on the admin's laptop is checked before it travels to the office.
#include <algorithm>
#include <iostream>

#include "context.h"
#include "titip/relay/origin_seal.h"
#include "titip/relay/security.h"

namespace titip::cli {
namespace {

// The roles to try, most likely first: the one asked for, else the one the file name says
// (/etc/titip/gateway.toml as the systemd units use), else gateway, relay, aggregator.
std::vector<config::Role> Candidates(const std::string& file, const std::string& role) {
  const config::Role all[] = {config::Role::kGateway, config::Role::kRelay,
                              config::Role::kAggregator};
  for (auto r : all) {
    if (role == RoleName(r)) return {r};
  }
  std::string base = file.substr(file.find_last_of('/') + 1);
  std::vector<config::Role> out;
  for (auto r : all) {
    if (base.find(RoleName(r)) != std::string::npos) out.push_back(r);
  }
  for (auto r : all) {
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
  return out;
}

// The checks the daemon runs on its [security] files at start (relay::LoadLinkSecurity, which
// lives in the daemon library); empty when they pass.
std::string CheckSecurityFiles(const config::Config& c) {
  if (!c.security) return "";
  auto key = relay::LoadSecretKeyFile(c.security->secret_key_file);
  if (!key.ok()) return c.path + ": key 'security.secret_key_file': " + key.status().message();
  if (!c.security->signing_key_file.empty()) {
    auto sk = relay::LoadSigningKeyFile(c.security->signing_key_file);
    if (!sk.ok()) return c.path + ": key 'security.signing_key_file': " + sk.status().message();
  }
  if (!c.security->origin_keys_file.empty()) {
    auto ok = relay::LoadOriginKeys(c.security->origin_keys_file);
    if (!ok.ok()) return c.path + ": key 'security.origin_keys_file': " + ok.status().message();
  }
  if (c.node.listen.empty()) return "";
  auto allow = relay::LoadAllowlist(c.security->allowed_keys_file);
  if (!allow.ok()) {
    return c.path + ": key 'security.allowed_keys_file': " + allow.status().message();
  }
  return "";
}

}  // namespace

const char* RoleName(config::Role r) {
  switch (r) {
    case config::Role::kGateway:
      return "gateway";
    case config::Role::kRelay:
      return "relay";
    case config::Role::kAggregator:
      return "aggregator";
  }
  return "?";
}

int CmdConfigCheck(const Context& ctx, const std::string& file, const std::string& role) {
  std::optional<config::ConfigError> first;
  for (config::Role r : Candidates(file, role)) {
    config::LoadResult res = config::LoadConfig(file, r);
    if (!res.config) {
      if (!first) first = res.error;
      continue;
    }
    const config::Config& c = *res.config;
    if (std::string bad = CheckSecurityFiles(c); !bad.empty()) {
      if (ctx.json) {
        std::cout << nlohmann::json{{"file", file}, {"valid", false}, {"error", bad}}.dump()
                  << "\n";
      }
      std::cerr << bad << "\n";
      return kConfig;
    }
    if (ctx.json) {
      nlohmann::json j = {{"file", file},
                          {"valid", true},
                          {"role", RoleName(r)},
                          {"node", c.node.id},
                          {"upstreams", c.upstreams.size()},
                          {"terminals", c.terminals.size()}};
      std::cout << j.dump() << "\n";
    } else {
      std::cout << file << ": OK, a titip-" << RoleName(r) << " config for node " << c.node.id
                << " (" << c.upstreams.size() << " upstreams, " << c.terminals.size()
                << " terminals" << (c.security ? ", CURVE security" : ", no [security]") << ")\n";
    }
    return kOk;
  }
  if (ctx.json) {
    nlohmann::json j = {{"file", file},
                        {"valid", false},
                        {"line", first->line},
                        {"key", first->key},
                        {"error", first->ToString()}};
    std::cout << j.dump() << "\n";
  }
  std::cerr << first->ToString() << "\n";
  return kConfig;
}

}  // namespace titip::cli
