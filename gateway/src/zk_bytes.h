// Little-endian field access shared by the ZK codec files (private to titip_zk).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace titip::gateway::zk::le {

inline uint16_t U16(std::string_view b, size_t off) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b[off]) |
                               (static_cast<uint8_t>(b[off + 1]) << 8));
}
inline uint32_t U32(std::string_view b, size_t off) {
  return static_cast<uint32_t>(U16(b, off)) | (static_cast<uint32_t>(U16(b, off + 2)) << 16);
}
inline void Put16(std::string* s, uint16_t v) {
  s->push_back(static_cast<char>(v & 0xFF));
  s->push_back(static_cast<char>(v >> 8));
}
inline void Put32(std::string* s, uint32_t v) {
  Put16(s, static_cast<uint16_t>(v & 0xFFFF));
  Put16(s, static_cast<uint16_t>(v >> 16));
}

}  // namespace titip::gateway::zk::le
