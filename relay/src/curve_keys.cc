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

#include "titip/relay/security.h"

namespace titip::relay {
namespace {

constexpr size_t kZ85Len = 40;

Status WriteNew(const std::string& path, const std::string& text, mode_t mode) {
  // O_EXCL: never clobber a key; the mode is set at creation so the secret is never visible.
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Invalid(path + " already exists; not overwriting a key");
    return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
  }
  // The umask may have narrowed `mode`; the public file should be readable as asked.
  (void)fchmod(fd, mode);
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = fsync(fd) == 0 && ok;
  ok = close(fd) == 0 && ok;
  if (!ok) return Status::IoError("cannot write " + path + ": " + std::strerror(errno));
  return Status::Ok();
}

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
  Status s = WriteNew(
      path, "# titip CURVE secret key: keep it private (mode 0600)\n" + keys.secret_z85 + "\n",
      0600);
  if (!s.ok()) return s;
  return WriteNew(pub_path, keys.public_z85 + "\n", 0644);
}

Result<CurveKeypair> LoadSecretKeyFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::Invalid("cannot open secret key file " + path + ": " + std::strerror(errno));
  }
  struct stat st = {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return Status::Invalid("secret key file " + path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::Precondition("secret key file " + path + " has mode " + mode +
                                ": group/others may read it; run `chmod 600 " + path +
                                "` (and consider the key leaked if others had access)");
  }
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  if (n < 0) return Status::Invalid("cannot read " + path + ": " + std::strerror(errno));
  std::istringstream in(std::string(buf, static_cast<size_t>(n)));
  std::string line, secret;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    secret = line;
    break;
  }
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
