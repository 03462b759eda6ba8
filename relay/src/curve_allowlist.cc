// The allowlist an upstream's ZAP handler checks: "<node-id> <z85-public-key>" lines.
// Strict: a line that is not exactly that is an error naming FILE:LINE, never skipped,
// because a silently ignored line is a node that cannot connect and nobody knows why.
#include <sstream>

#include "secret_file.h"

#include "titip/relay/security.h"

namespace titip::relay {
namespace {

bool ValidNodeId(const std::string& id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace

Result<Allowlist> ParseAllowlist(const std::string& text, const std::string& path) {
  Allowlist list;
  std::istringstream in(text);
  std::string line;
  for (int no = 1; std::getline(in, line); ++no) {
    auto where = [&] { return path + ":" + std::to_string(no) + ": "; };
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    std::istringstream fields(line);
    std::string node, key, flag, extra;
    fields >> node >> key >> flag >> extra;
    if (key.empty() || !extra.empty() || (!flag.empty() && flag != "relay")) {
      return Status::Invalid(where() + "want \"<node-id> <z85-public-key> [relay]\"");
    }
    if (!ValidNodeId(node)) {
      return Status::Invalid(where() + "bad node id '" + node + "' (want [a-z0-9-]{1,32})");
    }
    std::string raw = DecodeZ85Key(key);
    if (raw.empty()) {
      return Status::Invalid(where() + "'" + key + "' is not a 40-char z85 public key");
    }
    auto [it, inserted] = list.node_by_key.emplace(raw, node);
    if (!inserted && it->second != node) {
      return Status::Invalid(where() + "key already belongs to node '" + it->second + "'");
    }
    if (!flag.empty()) list.relays.insert(node);
  }
  return list;
}

Result<Allowlist> LoadAllowlist(const std::string& path) {
  auto text = ReadKeyList(path, "allowed_keys_file");
  if (!text.ok()) return text.status();
  return ParseAllowlist(*text, path);
}

}  // namespace titip::relay
