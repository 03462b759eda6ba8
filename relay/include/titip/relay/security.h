// Link security material (SPEC §5, issue 6): CURVE keypairs on disk and the allowlist of
// downstream keys an upstream accepts. Kept apart from the socket code so that titipctl
// (keygen) and the daemons (start-up checks) share one definition of the file formats:
//  - secret key file: one line, the 40-char z85 CURVE secret key; '#' lines are comments.
//    Mode must give group and others nothing (0600): a readable key lets anyone on the box
//    speak as this node, so the daemons refuse to start instead of warning.
//  - public key file (FILE.pub): one line, the 40-char z85 public key.
//  - allowlist: lines "<node-id> <z85-public-key> [relay]"; '#' comments and blank lines
//    ignored; a node may have several keys (rotation), a key belongs to one node only. Only a
//    node marked `relay` may hand over punches whose origin is another node: a stolen office
//    key then forges that office's punches at worst, not the whole district's.
#pragma once

#include <map>
#include <set>
#include <string>

#include "titip/common/status.h"

namespace titip::relay {

struct CurveKeypair {
  std::string public_z85;  // 40 chars
  std::string secret_z85;  // 40 chars
};

// A fresh keypair from libzmq (libsodium underneath). Unavailable when libzmq lacks CURVE.
Result<CurveKeypair> NewCurveKeypair();
// Writes `path` (secret, created 0600, never overwritten) and `path`.pub (public, 0644).
// Fails with InvalidArgument when either file exists: replacing a key is a deliberate act.
Status WriteKeypairFiles(const std::string& path, const CurveKeypair& keys);
// Reads a secret key file and derives its public key. FailedPrecondition (with the chmod to
// run) when group or others have any permission on it; InvalidArgument when malformed.
Result<CurveKeypair> LoadSecretKeyFile(const std::string& path);

struct Allowlist {
  std::map<std::string, std::string> node_by_key;  // public key (32 raw bytes) → node id
  std::set<std::string> relays;                    // nodes marked `relay`
};
// Errors name "FILE:LINE: ..." so an operator can fix the exact line.
Result<Allowlist> ParseAllowlist(const std::string& text, const std::string& path_for_messages);
Result<Allowlist> LoadAllowlist(const std::string& path);

// z85 ↔ 32 raw key bytes; nullopt-like empty string when not a valid 40-char z85 key.
std::string DecodeZ85Key(const std::string& z85);
std::string EncodeZ85Key(const std::string& raw32);

}  // namespace titip::relay
