// Origin signing keys on disk (titipctl keygen --signing, the gateway's signing_key_file) and
// the aggregator's origin_keys_file. Formats: see origin_seal.h. Strict like the allowlist: a
// line that is not exactly "<node-id> <z85-key>" is an error naming FILE:LINE.
#include <sodium.h>
#include <unistd.h>

#include <sstream>

#include "secret_file.h"
#include "titip/common/civil_time.h"
#include "titip/relay/origin_seal.h"
#include "titip/relay/security.h"

namespace titip::relay {
namespace {

constexpr char kSecretPrefix[] = "ed25519 ";

Status SodiumReady() {
  if (sodium_init() < 0) return Status::Unavailable("libsodium failed to initialise");
  return Status::Ok();
}

}  // namespace

std::string SigningKey::public_z85() const { return EncodeZ85Key(public_raw); }

Result<SigningKey> NewSigningKey() {
  if (Status s = SodiumReady(); !s.ok()) return s;
  SigningKey k;
  k.public_raw.resize(crypto_sign_PUBLICKEYBYTES);
  k.secret_raw.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(k.public_raw.data()),
                      reinterpret_cast<unsigned char*>(k.secret_raw.data()));
  return k;
}

Status WriteSigningKeyFiles(const std::string& path, const SigningKey& key) {
  const std::string pub_path = path + ".pub";
  if (access(pub_path.c_str(), F_OK) == 0) {
    return Status::Invalid(pub_path + " already exists; not overwriting a key");
  }
  // The seed (first half of libsodium's secret key) is the whole secret.
  std::string seed = EncodeZ85Key(key.secret_raw.substr(0, crypto_sign_SEEDBYTES));
  Status s = WriteNewFile(path,
                          "# titip origin signing key (Ed25519): keep it private (mode 0600)\n" +
                              std::string(kSecretPrefix) + seed + "\n",
                          0600);
  if (!s.ok()) return s;
  return WriteNewFile(pub_path, key.public_z85() + "\n", 0644);
}

Result<SigningKey> LoadSigningKeyFile(const std::string& path) {
  if (Status s = SodiumReady(); !s.ok()) return s;
  auto line = ReadSecretKeyLine(path, "signing key file");
  if (!line.ok()) return line.status();
  const std::string prefix = kSecretPrefix;
  std::string seed;
  if (line->compare(0, prefix.size(), prefix) == 0)
    seed = DecodeZ85Key(line->substr(prefix.size()));
  if (seed.size() != crypto_sign_SEEDBYTES) {
    return Status::Invalid("signing key file " + path +
                           " holds no \"ed25519 <key>\" line (make one with `titipctl keygen "
                           "--signing --out FILE`; a CURVE key is not a signing key)");
  }
  SigningKey k;
  k.public_raw.resize(crypto_sign_PUBLICKEYBYTES);
  k.secret_raw.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(k.public_raw.data()),
                           reinterpret_cast<unsigned char*>(k.secret_raw.data()),
                           reinterpret_cast<const unsigned char*>(seed.data()));
  sodium_memzero(seed.data(), seed.size());
  return k;
}

Result<OriginKeys> ParseOriginKeys(const std::string& text, const std::string& path) {
  OriginKeys keys;
  std::map<std::string, std::string> owner;  // raw key → node: a key signs for one node only
  std::istringstream in(text);
  std::string line;
  for (int no = 1; std::getline(in, line); ++no) {
    auto where = [&] { return path + ":" + std::to_string(no) + ": "; };
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    std::istringstream fields(line);
    std::string node, key, extra;
    fields >> node >> key >> extra;
    if (key.empty() || !extra.empty()) {
      return Status::Invalid(where() + "want \"<node-id> <z85-signing-public-key>\"");
    }
    if (!ValidNodeId(node)) return Status::Invalid(where() + "bad node id '" + node + "'");
    std::string raw = DecodeZ85Key(key);
    if (raw.empty()) {
      return Status::Invalid(where() + "'" + key + "' is not a 40-char z85 public key");
    }
    auto [it, inserted] = owner.emplace(raw, node);
    if (!inserted && it->second != node) {
      return Status::Invalid(where() + "key already belongs to node '" + it->second + "'");
    }
    if (inserted) keys.by_node[node].push_back(raw);
  }
  return keys;
}

Result<OriginKeys> LoadOriginKeys(const std::string& path) {
  auto text = ReadKeyList(path, "origin_keys_file");
  if (!text.ok()) return text.status();
  return ParseOriginKeys(*text, path);
}

}  // namespace titip::relay
