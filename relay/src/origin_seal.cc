// Seals: canonical punch bytes, digests, signing and checking (see origin_seal.h).
#include "titip/relay/origin_seal.h"

#include <sodium.h>

#include <algorithm>
#include <utility>

namespace titip::relay {
namespace {

constexpr char kPunchTag[] = "titip-punch-v1";
constexpr char kSealTag[] = "titip-seal-v1";

void PutU64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}
void PutStr(std::string* out, const std::string& s) {
  PutU64(out, s.size());
  out->append(s);
}

bool Covers(const wire::Seal& s, uint64_t seq) {
  return seq >= s.first_seq() && seq <= s.last_seq();
}

// The signature of seals[i] under any of `keys`; cached in `state` (-1 unknown, 0 bad, 1 good).
bool SignatureOk(const wire::Seal& seal, const std::vector<std::string>& keys, int8_t* state) {
  if (*state >= 0) return *state == 1;
  const std::string msg = SealSignedBytes(seal);
  *state = 0;
  for (const auto& k : keys) {
    if (k.size() != crypto_sign_PUBLICKEYBYTES) continue;
    if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(seal.signature().data()),
                                    reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
                                    reinterpret_cast<const unsigned char*>(k.data())) == 0) {
      *state = 1;
      break;
    }
  }
  return *state == 1;
}

}  // namespace

std::string CanonicalPunchBytes(const wire::Punch& p) {
  std::string out(kPunchTag, sizeof kPunchTag);
  PutStr(&out, p.origin());
  PutU64(&out, p.epoch());
  PutU64(&out, p.seq());
  PutStr(&out, p.terminal());
  PutStr(&out, p.pin());
  PutU64(&out, static_cast<uint64_t>(p.device_time()));
  PutU64(&out, static_cast<uint64_t>(static_cast<int64_t>(p.utc_offset_min())));
  PutU64(&out, p.verify());
  PutU64(&out, p.status());
  PutU64(&out, p.workcode());
  PutU64(&out, static_cast<uint64_t>(p.received_at_ms()));
  PutU64(&out, p.clock_synced() ? 1 : 0);
  PutU64(&out, static_cast<uint64_t>(static_cast<int64_t>(p.source())));
  PutStr(&out, p.unit());
  return out;
}

std::string PunchDigest(const wire::Punch& p) {
  const std::string bytes = CanonicalPunchBytes(p);
  std::string out(kPunchDigestBytes, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), nullptr,
                     0);
  return out;
}

std::string SealSignedBytes(const wire::Seal& seal) {
  std::string out(kSealTag, sizeof kSealTag);
  PutStr(&out, seal.origin());
  PutU64(&out, seal.epoch());
  PutU64(&out, seal.first_seq());
  PutU64(&out, seal.last_seq());
  PutStr(&out, seal.digests());
  return out;
}

bool SealWellFormed(const wire::Seal& s) {
  if (s.origin().empty() || s.origin().size() > 64 || s.first_seq() == 0 ||
      s.last_seq() < s.first_seq() || s.last_seq() - s.first_seq() >= kMaxSealPunches) {
    return false;
  }
  return s.digests().size() == (s.last_seq() - s.first_seq() + 1) * kPunchDigestBytes &&
         s.signature().size() == kSealSignatureBytes;
}

std::vector<wire::Seal> MakeSeals(const std::vector<wire::Punch>& punches,
                                  const std::string& origin, const SigningKey& key) {
  std::vector<wire::Seal> seals;
  wire::Seal* open = nullptr;
  for (const auto& p : punches) {
    if (p.origin() != origin) continue;
    const bool extends = open && open->epoch() == p.epoch() && p.seq() == open->last_seq() + 1 &&
                         p.seq() - open->first_seq() < kMaxSealPunches;
    if (!extends) {
      open = &seals.emplace_back();
      open->set_origin(origin);
      open->set_epoch(p.epoch());
      open->set_first_seq(p.seq());
    }
    open->set_last_seq(p.seq());
    open->mutable_digests()->append(PunchDigest(p));
  }
  for (auto& s : seals) {
    const std::string msg = SealSignedBytes(s);
    std::string sig(crypto_sign_BYTES, '\0');
    crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                         reinterpret_cast<const unsigned char*>(msg.data()), msg.size(),
                         reinterpret_cast<const unsigned char*>(key.secret_raw.data()));
    s.set_signature(std::move(sig));
  }
  return seals;
}

const char* SealVerdictName(SealVerdict v) {
  switch (v) {
    case SealVerdict::kGenuine:
      return "genuine";
    case SealVerdict::kNoKey:
      return "no_key";
    case SealVerdict::kNoSeal:
      return "no_seal";
    case SealVerdict::kBadSeal:
      return "bad_seal";
    case SealVerdict::kBadSignature:
      return "bad_signature";
    case SealVerdict::kDigestMismatch:
      return "digest_mismatch";
  }
  return "unknown";
}

std::vector<SealVerdict> VerifyPunches(const std::vector<wire::Punch>& punches,
                                       const google::protobuf::RepeatedPtrField<wire::Seal>& seals,
                                       const OriginKeys& keys) {
  if (sodium_init() < 0) return std::vector<SealVerdict>(punches.size(), SealVerdict::kBadSeal);
  std::map<std::pair<std::string, uint64_t>, std::vector<int>> by_stream;
  for (int i = 0; i < seals.size(); ++i)
    by_stream[{seals[i].origin(), seals[i].epoch()}].push_back(i);
  std::vector<int8_t> sig_state(seals.size(), -1);
  std::vector<SealVerdict> out;
  out.reserve(punches.size());
  for (const auto& p : punches) {
    auto k = keys.by_node.find(p.origin());
    if (k == keys.by_node.end() || k->second.empty()) {
      out.push_back(SealVerdict::kNoKey);
      continue;
    }
    SealVerdict best = SealVerdict::kNoSeal;
    auto note = [&](SealVerdict v) { best = std::max(best, v); };
    auto it = by_stream.find({p.origin(), p.epoch()});
    const std::vector<int> none;
    for (int i : it == by_stream.end() ? none : it->second) {
      const wire::Seal& s = seals[i];
      if (!Covers(s, p.seq())) continue;
      if (!SealWellFormed(s)) {
        note(SealVerdict::kBadSeal);
        continue;
      }
      if (!SignatureOk(s, k->second, &sig_state[i])) {
        note(SealVerdict::kBadSignature);
        continue;
      }
      const size_t at = (p.seq() - s.first_seq()) * kPunchDigestBytes;
      if (s.digests().compare(at, kPunchDigestBytes, PunchDigest(p)) == 0) {
        best = SealVerdict::kGenuine;
        break;
      }
      note(SealVerdict::kDigestMismatch);
    }
    out.push_back(best);
  }
  return out;
}

}  // namespace titip::relay
