// Role- and cross-table rules of the daemon config; see rules.h.
#include "rules.h"

#include <string>

namespace titip::config::internal {
namespace {

int LineOfTable(const toml::table& root, std::string_view name) {
  const toml::node* n = root.get(name);
  if (n == nullptr) return 0;
  const toml::array* a = n->as_array();
  if (a != nullptr && !a->empty()) return LineOf(*a->get(0));
  return LineOf(*n);
}

void Forbid(const toml::table& root, std::string_view name, const std::string& why,
            Errors& errors) {
  if (root.contains(name)) errors.Add(LineOfTable(root, name), std::string(name), why);
}

void CheckSecurityNeeds(const toml::table& root, const Config& config, Errors& errors) {
  if (!config.security) {
    // A key without [security] means the operator believes the link is encrypted; it is not.
    for (size_t i = 0; i < config.upstreams.size(); ++i) {
      if (config.upstreams[i].public_key.empty()) continue;
      const toml::node* k = root["upstream"][i]["public_key"].node();
      errors.Add(k == nullptr ? 0 : LineOf(*k), "upstream[" + std::to_string(i) + "].public_key",
                 "set, but there is no [security] section, so this link would be plaintext; "
                 "add [security] secret_key_file or remove public_key");
    }
    return;
  }
  if (config.security->secret_key_file == config.security->allowed_keys_file) {
    errors.Add(LineOfTable(root, "security"), "security.allowed_keys_file",
               "is the secret key file; they must be two files");
  }
  const SecurityConfig& sec = *config.security;
  if (!sec.signing_key_file.empty() && config.role != Role::kGateway) {
    errors.Add(LineOfTable(root, "security"), "security.signing_key_file",
               "only a gateway signs punches (it is their origin); remove it here");
  }
  if (!sec.origin_keys_file.empty() && config.role != Role::kAggregator) {
    errors.Add(LineOfTable(root, "security"), "security.origin_keys_file",
               "only the aggregator verifies origin signatures; remove it here");
  }
  if (!sec.signing_key_file.empty() && (sec.signing_key_file == sec.secret_key_file)) {
    errors.Add(LineOfTable(root, "security"), "security.signing_key_file",
               "is the CURVE secret key file; the signing key is a separate file "
               "(titipctl keygen --signing)");
  }
  if (!config.node.listen.empty() && config.security->allowed_keys_file.empty()) {
    errors.Add(LineOfTable(root, "security"), "security.allowed_keys_file",
               "required with [security] when node.listen is set (who may connect?)");
  }
  for (size_t i = 0; i < config.upstreams.size(); ++i) {
    if (!config.upstreams[i].public_key.empty()) continue;
    const toml::node* t = root["upstream"][i].node();
    errors.Add(t == nullptr ? 0 : LineOf(*t), "upstream[" + std::to_string(i) + "].public_key",
               "required with [security] (the upstream's z85 CURVE public key)");
  }
}

void CheckNotOwnUpstream(const toml::table& root, const Config& config, Errors& errors) {
  for (size_t i = 0; i < config.upstreams.size(); ++i) {
    if (config.upstreams[i].id != config.node.id) continue;
    const toml::node* id = root["upstream"][i]["id"].node();
    errors.Add(id == nullptr ? 0 : LineOf(*id), "upstream[" + std::to_string(i) + "].id",
               "'" + config.node.id + "' is this node's own id; a node is not its own upstream");
  }
}

void CheckAdmsListener(const Config& config, Errors& errors) {
  if (!config.adms_listen.empty()) return;
  for (size_t i = 0; i < config.terminals.size(); ++i) {
    if (config.terminals[i].kind != "adms") continue;
    errors.Add(0, "adms.listen",
               "required: terminal[" + std::to_string(i) + "] has kind \"adms\" and pushes to it");
    return;
  }
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kGateway:
      return "gateway";
    case Role::kRelay:
      return "relay";
    case Role::kAggregator:
      return "aggregator";
  }
  return "?";
}

void CheckRoleTables(const toml::table& root, Role role, Errors& errors) {
  const std::string in_role = std::string(" (this is a ") + RoleName(role) + " config)";
  if (role != Role::kGateway) {
    Forbid(root, "terminal", "[[terminal]] is only allowed in a gateway config" + in_role, errors);
    Forbid(root, "adms", "[adms] is only allowed in a gateway config" + in_role, errors);
  }
  if (role != Role::kAggregator) {
    Forbid(root, "aggregator", "[aggregator] is only allowed in an aggregator config" + in_role,
           errors);
    Forbid(root, "web",
           "[web] (the status board) is only allowed in an aggregator config" + in_role, errors);
  }
  if (role == Role::kAggregator) {
    Forbid(root, "upstream", "an aggregator is the end of the line and has no [[upstream]]",
           errors);
  }
}

void CheckRoleNeeds(const toml::table& root, const Config& config, Errors& errors) {
  const int node_line = LineOfTable(root, "node");
  const std::string role = RoleName(config.role);
  if (config.role != Role::kAggregator && config.upstreams.empty()) {
    errors.Add(0, "upstream", "a " + role + " needs at least one [[upstream]]");
  }
  if (config.role == Role::kGateway && config.node.unit.empty()) {
    errors.Add(node_line, "node.unit", "required on a gateway (the unit its terminals belong to)");
  }
  if (config.role != Role::kGateway && config.node.listen.empty()) {
    errors.Add(node_line, "node.listen",
               "required on a " + role + " (downstream peers connect here)");
  }
  CheckNotOwnUpstream(root, config, errors);
  CheckSecurityNeeds(root, config, errors);
  CheckAdmsListener(config, errors);
}

}  // namespace titip::config::internal
