// `titipctl keygen [--signing] --out FILE`: a CURVE keypair for a node's links, or with
// --signing a gateway's Ed25519 origin signing key. The secret goes to FILE
// (mode 0600, never overwritten), the public key to FILE.pub and stdout, ready to paste into
// the upstream's allowed_keys_file ("<node-id> <key>") and downstreams' upstream.public_key.
#include <iostream>

#include <nlohmann/json.hpp>

#include "context.h"
#include "titip/relay/origin_seal.h"
#include "titip/relay/security.h"

namespace titip::cli {

namespace {

// `keygen --signing`: the public key goes into the aggregator's origin_keys_file.
int SigningKeygen(Context& ctx, const std::string& out) {
  auto key = relay::NewSigningKey();
  if (!key.ok()) {
    std::cerr << "keygen: " << key.status().message() << "\n";
    return kUnavailable;
  }
  if (Status s = relay::WriteSigningKeyFiles(out, *key); !s.ok()) {
    std::cerr << "keygen: " << s.message() << "\n";
    return s.code() == Code::kInvalidArgument ? kCantCreat : kIoErr;
  }
  if (ctx.json) {
    nlohmann::json j = {{"public_key", key->public_z85()},
                        {"secret_key_file", out},
                        {"public_key_file", out + ".pub"},
                        {"kind", "signing"}};
    std::cout << j.dump() << "\n";
  } else {
    std::cout << key->public_z85() << "\n";
    std::cerr << "signing key: " << out << " (mode 0600)\npublic key: " << out
              << ".pub (put \"<node-id> <public key>\" in the aggregator's origin_keys_file)\n";
  }
  return kOk;
}

}  // namespace

int CmdKeygen(Context& ctx, const std::string& out, bool signing) {
  if (signing) return SigningKeygen(ctx, out);
  auto keys = relay::NewCurveKeypair();
  if (!keys.ok()) {
    std::cerr << "keygen: " << keys.status().message() << "\n";
    return kUnavailable;
  }
  if (Status s = relay::WriteKeypairFiles(out, *keys); !s.ok()) {
    std::cerr << "keygen: " << s.message() << "\n";
    return s.code() == Code::kInvalidArgument ? kCantCreat : kIoErr;
  }
  if (ctx.json) {
    nlohmann::json j = {{"public_key", keys->public_z85},
                        {"secret_key_file", out},
                        {"public_key_file", out + ".pub"}};
    std::cout << j.dump() << "\n";
  } else {
    std::cout << keys->public_z85 << "\n";
    std::cerr << "secret key: " << out << " (mode 0600)\npublic key: " << out << ".pub\n";
  }
  return kOk;
}

}  // namespace titip::cli
