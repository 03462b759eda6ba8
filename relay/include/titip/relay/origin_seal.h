// End-to-end origin signatures (issue 6, item 2). CURVE protects each link; it cannot stop a
// relay that holds a valid key from altering or inventing the punches it carries. So a gateway
// signs its own punches with an Ed25519 key (libsodium) that no relay ever sees, and the sink
// checks them against the gateway's registered public key before storing anything.
//
// Relays re-bundle (they queue punches one by one and build their own bundles) and an origin
// re-offers unreceipted punches at new queue positions, so a signature over "a bundle" would
// not survive the hops. The unit signed is a *seal*: {origin, epoch, first_seq, last_seq,
// 16-byte BLAKE2b digest of each punch's canonical bytes, Ed25519 signature}. The origin makes
// one per contiguous run of its own punches in each bundle it sends; relays store seals and
// pass one on with every bundle that carries one of its punches; the sink checks a seal's
// signature once and each punch against its digest. Wire cost: 16 bytes a punch plus ~90 a
// seal. Pure functions; no I/O except the key-file helpers; thread-safe.
//
// Files: signing secret key: a line "ed25519 <z85 seed>" ('#' comments), mode 0600 (refused
// otherwise, like the CURVE secret); FILE.pub: the z85 public key. origin_keys_file: lines
// "<node-id> <z85-public-key>" ('#' comments; several keys per node while it rotates).
#pragma once

#include <google/protobuf/repeated_field.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "titip.pb.h"
#include "titip/common/status.h"

namespace titip::relay {

inline constexpr size_t kPunchDigestBytes = 16;
inline constexpr size_t kSealSignatureBytes = 64;
inline constexpr uint64_t kMaxSealPunches = 10000;  // = kMaxBundlePunches: one bundle's run

struct SigningKey {
  std::string public_raw;  // 32 bytes
  std::string secret_raw;  // 64 bytes (libsodium's seed || public key)
  std::string public_z85() const;
};

Result<SigningKey> NewSigningKey();
// Writes `path` (secret, created 0600, never overwritten) and `path`.pub (public, 0644).
Status WriteSigningKeyFiles(const std::string& path, const SigningKey& key);
// FailedPrecondition (with the chmod to run) when group or others have any permission on the
// file; InvalidArgument when it is not a signing key.
Result<SigningKey> LoadSigningKeyFile(const std::string& path);

// The bytes a punch's digest covers: every field the origin set (not path, hops or
// stored_at_ms, which hops and the sink change), each length-prefixed or fixed-width, so the
// encoding is stable across protobuf versions.
std::string CanonicalPunchBytes(const wire::Punch& p);
std::string PunchDigest(const wire::Punch& p);  // kPunchDigestBytes
// What the signature covers: a domain tag, origin, epoch, first, last and the digests.
std::string SealSignedBytes(const wire::Seal& seal);
// One seal per contiguous run of (origin, epoch, seq) among the punches whose origin is
// `origin`, in order of appearance; other punches are skipped (a relaying gateway carries
// its neighbours' punches with their own seals).
std::vector<wire::Seal> MakeSeals(const std::vector<wire::Punch>& punches,
                                  const std::string& origin, const SigningKey& key);
// Shape only (no key needed): sizes agree, run length within kMaxSealPunches. Relays keep
// only well-formed seals.
bool SealWellFormed(const wire::Seal& seal);

struct OriginKeys {
  std::map<std::string, std::vector<std::string>> by_node;  // node id → raw 32-byte keys
};
// Errors name "FILE:LINE: ..." so an operator can fix the exact line.
Result<OriginKeys> ParseOriginKeys(const std::string& text, const std::string& path_for_messages);
Result<OriginKeys> LoadOriginKeys(const std::string& path);

// Why a punch is (not) genuine. Worse verdicts have larger values: with several seals covering
// a punch, the best one decides.
enum class SealVerdict {
  kGenuine = 0,
  kNoKey,           // its origin has no registered signing key
  kNoSeal,          // no seal in the bundle covers it
  kBadSeal,         // a covering seal is malformed (truncated, digest count wrong)
  kBadSignature,    // a covering seal's signature fails under every key of the origin
  kDigestMismatch,  // a valid seal covers it, but the punch is not what the origin signed
};
const char* SealVerdictName(SealVerdict v);  // no_key, no_seal, bad_seal, ...

// One verdict per punch. Each seal's signature is checked at most once per call.
std::vector<SealVerdict> VerifyPunches(const std::vector<wire::Punch>& punches,
                                       const google::protobuf::RepeatedPtrField<wire::Seal>& seals,
                                       const OriginKeys& keys);

}  // namespace titip::relay
