// The uncompressed body of a packed punch batch (layout in punch_codec.h): dictionary, stream
// table and twelve columns. Split from punch_codec.cc so the framing/zstd layer and the
// field layout can each be read (and tested through the public API) on their own.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "titip.pb.h"
#include "titip/common/status.h"

namespace titip::relay::codec {

// Appends the body for `punches` to `*out`. Deterministic; never fails.
void EncodeBody(const std::vector<wire::Punch>& punches, std::string* out);

// Parses a complete body. On success `*out` holds exactly the punches, decoded into the ones
// already there (their strings' buffers are reused); on failure it is untouched.
// Allocates at most O(body.size() + max_punches).
[[nodiscard]] Status DecodeBody(std::string_view body, size_t max_punches,
                                std::vector<wire::Punch>* out);

}  // namespace titip::relay::codec
