// Key files on disk, shared by the CURVE keys (curve_keys.cc) and the origin signing keys
// (origin_keys.cc): created without ever being visible to others, and refused when they are.
#pragma once

#include <sys/types.h>

#include <string>

#include "titip/common/status.h"

namespace titip::relay {

// Creates `path` with `mode` (O_EXCL: never clobbers a key; InvalidArgument when it exists),
// writes and fsyncs `text`.
Status WriteNewFile(const std::string& path, const std::string& text, mode_t mode);
// The first line of a secret key file that is neither blank nor a '#' comment. Refuses
// (FailedPrecondition, with the chmod to run) a file that group or others may access;
// InvalidArgument when it cannot be read or is not a regular file. `what` names the key in
// messages ("secret key file", "signing key file").
Result<std::string> ReadSecretKeyLine(const std::string& path, const std::string& what);
// A public key list (allowlist, origin keys) whole, at most 16 MiB. InvalidArgument
// "cannot read <what> PATH" when it cannot be read, "PATH is over 16 MiB" when too large.
Result<std::string> ReadKeyList(const std::string& path, const std::string& what);

}  // namespace titip::relay
