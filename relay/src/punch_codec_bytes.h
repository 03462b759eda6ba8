// Byte-level primitives of the packed punch format (punch_codec.h): varint, zigzag, fixed64.
// The reader checks every read against the bytes left and reports the field and offset, so
// the body decoder never indexes past its input and every refusal says where it happened.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "titip/common/status.h"

namespace titip::relay::codec {

// Zigzag maps small negative and positive numbers to small unsigned ones (-1 -> 1, 1 -> 2).
// Defined for every int64: the shifts are done on uint64 (C++20 >> on int64 is arithmetic).
inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (0 - (v & 1))); }

// Appends to a string it does not own; the string outlives the writer.
class ByteWriter {
 public:
  explicit ByteWriter(std::string* out) : out_(out) {}
  void Byte(uint8_t b) { out_->push_back(static_cast<char>(b)); }
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      Byte(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    Byte(static_cast<uint8_t>(v));
  }
  void Fixed64(uint64_t v) {
    for (int i = 0; i < 8; ++i) Byte(static_cast<uint8_t>(v >> (8 * i)));
  }
  void Bytes(std::string_view s) { out_->append(s); }

 private:
  std::string* out_;
};

// Reads from a view it does not own. Each method fails with kCorruption naming `what`.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  size_t remaining() const { return in_.size() - pos_; }
  size_t offset() const { return pos_; }

  // Refuses an 11th byte and a 10th byte above 1: those would overflow uint64.
  Status Varint(const char* what, uint64_t* v) {
    const size_t start = pos_;
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (remaining() < 1) return Truncated(what);
      const uint8_t b = static_cast<uint8_t>(in_[pos_++]);
      if (shift == 63 && b > 1) return Bad(what, start, "varint overflows 64 bits");
      result |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        *v = result;
        return Status::Ok();
      }
    }
    return Bad(what, start, "varint longer than 10 bytes");
  }

  Status Fixed64(const char* what, uint64_t* v) {
    if (remaining() < 8) return Truncated(what);
    uint64_t result = 0;
    for (int i = 0; i < 8; ++i) {
      result |= static_cast<uint64_t>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
    }
    pos_ += 8;
    *v = result;
    return Status::Ok();
  }

  // `*s` views the input; it is valid as long as the input is.
  Status Bytes(const char* what, uint64_t n, std::string_view* s) {
    if (n > remaining()) return Truncated(what);
    *s = in_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return Status::Ok();
  }

  Status Bad(const char* what, size_t at, const std::string& why) const {
    return Status::Corruption("packed punches: " + std::string(what) + " at body offset " +
                              std::to_string(at) + ": " + why);
  }

 private:
  Status Truncated(const char* what) const { return Bad(what, pos_, "truncated"); }

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace titip::relay::codec
