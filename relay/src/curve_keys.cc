// CURVE key files: generation (titipctl keygen), loading with the permission check the
// daemons run before anything else, and z85 helpers. See security.h for the formats.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "secret_file.h"
#include "titip/relay/security.h"

namespace titip::relay {
namespace {
constexpr size_t kZ85Len = 40;
}  // namespace

std::string DecodeZ85Key(const std::string& z85) {
  if (z85.size() != kZ85Len) return {};
  uint8_t raw[32];
  if (zmq_z85_decode(raw, z85.c_str()) == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(raw), sizeof raw);
}

std::string EncodeZ85Key(const std::string& raw32) {
  if (raw32.size() != 32) return {};
  char z85[kZ85Len + 1];
  if (zmq_z85_encode(z85, reinterpret_cast<const uint8_t*>(raw32.data()), 32) == nullptr) {
    return {};
  }
  return std::string(z85, kZ85Len);
}

Result<CurveKeypair> NewCurveKeypair() {
  if (!zmq_has("curve")) return Status::Unavailable("this libzmq was built without CURVE");
  char pub[kZ85Len + 1], sec[kZ85Len + 1];
  if (zmq_curve_keypair(pub, sec) != 0) {
    return Status::Unavailable(std::string("zmq_curve_keypair: ") + zmq_strerror(zmq_errno()));
  }
  return CurveKeypair{std::string(pub, kZ85Len), std::string(sec, kZ85Len)};
}

Status WriteKeypairFiles(const std::string& path, const CurveKeypair& keys) {
  const std::string pub_path = path + ".pub";
  if (access(pub_path.c_str(), F_OK) == 0) {
    return Status::Invalid(pub_path + " already exists; not overwriting a key");
  }
  Status s = WriteNewFile(
      path, "# titip CURVE secret key: keep it private (mode 0600)\n" + keys.secret_z85 + "\n",
      0600);
  if (!s.ok()) return s;
  return WriteNewFile(pub_path, keys.public_z85 + "\n", 0644);
}

Result<CurveKeypair> LoadSecretKeyFile(const std::string& path) {
  auto line = ReadSecretKeyLine(path, "secret key file");
  if (!line.ok()) return line.status();
  const std::string& secret = *line;
  std::string raw = DecodeZ85Key(secret);
  if (raw.empty()) {
    return Status::Invalid("secret key file " + path +
                           " holds no 40-char z85 key (make one with `titipctl keygen`)");
  }
  char pub[kZ85Len + 1];
  if (zmq_curve_public(pub, secret.c_str()) != 0) {
    return Status::Invalid("cannot derive the public key from " + path);
  }
  return CurveKeypair{std::string(pub, kZ85Len), secret};
}

}  // namespace titip::relay
