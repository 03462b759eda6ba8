// Framing of packed punch batches: the header byte and the optional zstd layer around the body
// (punch_codec_body.cc). The zstd side is one-shot into a buffer sized from the frame's
// declared content size, checked against a bound first: a 100-byte "bomb" cannot allocate more.
#include "titip/relay/punch_codec.h"

#include <zstd.h>

#include <limits>
#include <string>
#include <utility>

#include "punch_codec_body.h"

namespace titip::relay {
namespace {

// Level 3 is zstd's default: on a 1,000-punch body it is within a few percent of level 19 and
// an order of magnitude faster, which matters on a gateway's small ARM CPU.
constexpr int kZstdLevel = 3;

// Returns the compressed form of `body`, or an empty string when zstd is no smaller (tiny
// batches: the frame header alone is ~6 bytes) or failed.
// One context per thread, kept: the one-shot ZSTD_compress/ZSTD_decompress allocate and zero a
// fresh ~1 MiB workspace on every call, which dominated the simulator under ASan (an mmap and
// a TLB flush per bundle) and is wasted work in any build.
struct ZstdContexts {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_DCtx* d = ZSTD_createDCtx();
  ZstdContexts() = default;
  ZstdContexts(const ZstdContexts&) = delete;
  ZstdContexts& operator=(const ZstdContexts&) = delete;
  ~ZstdContexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};

ZstdContexts& ThreadZstd() {
  thread_local ZstdContexts contexts;
  return contexts;
}

std::string Compress(std::string_view body) {
  ZSTD_CCtx* cctx = ThreadZstd().c;
  if (cctx == nullptr) return {};  // out of memory: send the body uncompressed
  std::string buf(ZSTD_compressBound(body.size()), '\0');
  const size_t n =
      ZSTD_compressCCtx(cctx, buf.data(), buf.size(), body.data(), body.size(), kZstdLevel);
  if (ZSTD_isError(n) || n >= body.size()) return {};
  buf.resize(n);
  return buf;
}

Status Refuse(const std::string& why) { return Status::Corruption("packed punches: " + why); }

// Decompresses exactly one zstd frame filling all of `frame`, whose declared content size must
// be <= `limit`. Never allocates more than the declared size.
Status Decompress(std::string_view frame, size_t limit, std::string* body) {
  const size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_size)) {
    return Refuse(std::string("bad zstd frame: ") + ZSTD_getErrorName(frame_size));
  }
  if (frame_size != frame.size()) {
    return Refuse(std::to_string(frame.size() - frame_size) + " bytes after the zstd frame");
  }
  const unsigned long long declared = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (declared == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Refuse("zstd frame does not declare its content size");
  }
  if (declared == ZSTD_CONTENTSIZE_ERROR) return Refuse("bad zstd frame header");
  if (declared > limit) {
    return Refuse("zstd frame declares " + std::to_string(declared) + " bytes, more than " +
                  std::to_string(limit) + " allowed");
  }
  ZSTD_DCtx* dctx = ThreadZstd().d;
  if (dctx == nullptr) return Status::Unavailable("packed punches: no memory for zstd");
  std::string buf(static_cast<size_t>(declared), '\0');
  const size_t n = ZSTD_decompressDCtx(dctx, buf.data(), buf.size(), frame.data(), frame.size());
  if (ZSTD_isError(n)) return Refuse(std::string("zstd: ") + ZSTD_getErrorName(n));
  if (n != buf.size()) return Refuse("zstd frame shorter than its declared size");
  *body = std::move(buf);
  return Status::Ok();
}

}  // namespace

size_t PackedBodyLimit(size_t max_punches) {
  constexpr size_t kMaxPunchesBelowCeiling =
      (kPackedBodyCeilingBytes - kPackedBodySlackBytes) / kPackedBodyBytesPerPunch;
  if (max_punches >= kMaxPunchesBelowCeiling) return kPackedBodyCeilingBytes;
  return max_punches * kPackedBodyBytesPerPunch + kPackedBodySlackBytes;
}

std::string PackPunches(const std::vector<wire::Punch>& punches, PackCompression compression) {
  std::string body;
  codec::EncodeBody(punches, &body);
  std::string out(1, static_cast<char>(kPackedFormatVersion));
  // Only compress what every decoder with max_punches >= N accepts; a batch of unusually long
  // distinct strings goes raw instead of being refused downstream.
  if (compression == PackCompression::kAuto && body.size() <= PackedBodyLimit(punches.size())) {
    std::string compressed = Compress(body);
    if (!compressed.empty()) {
      out[0] = static_cast<char>(kPackedFormatVersion | kPackedZstdFlag);
      out += compressed;
      return out;
    }
  }
  out += body;
  return out;
}

namespace {

// UnpackPunches without the clean-up on failure: decodes into the punches already in *out.
Status UnpackInto(std::string_view bytes, std::vector<wire::Punch>* out, size_t max_punches) {
  if (bytes.empty()) return Refuse("empty input, no header byte");
  const auto header = static_cast<uint8_t>(bytes[0]);
  const uint8_t version = header & kPackedVersionMask;
  if (version != kPackedFormatVersion) {
    return Status::Precondition("packed punches: format version " + std::to_string(version) +
                                " unknown (this build reads version " +
                                std::to_string(kPackedFormatVersion) + ")");
  }
  if ((header & kPackedReservedFlag) != 0) return Refuse("reserved header bit set");
  const std::string_view rest = bytes.substr(1);
  if ((header & kPackedZstdFlag) == 0) return codec::DecodeBody(rest, max_punches, out);
  std::string body;
  if (Status s = Decompress(rest, PackedBodyLimit(max_punches), &body); !s.ok()) return s;
  return codec::DecodeBody(body, max_punches, out);
}

}  // namespace

Status UnpackPunches(std::string_view bytes, std::vector<wire::Punch>* out, size_t max_punches) {
  Status s = UnpackInto(bytes, out, max_punches);
  if (!s.ok()) out->clear();
  return s;
}

}  // namespace titip::relay
