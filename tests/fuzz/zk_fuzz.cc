// Fuzz target for the ZK codec: arbitrary bytes as a TCP stream from a terminal, as a dataset,
// as a free-sizes reply and as the reply sequence of a buffered read. Must never crash, hang
// or allocate beyond the codec's caps. libFuzzer entry point; zk_fuzz_smoke drives it too.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string_view>

#include "titip/gateway/zk_proto.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace zk = titip::gateway::zk;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // Stream split at a data-dependent step, frames collected.
  zk::TcpFrameReader reader;
  std::deque<zk::Packet> frames;
  size_t step = size ? 1 + static_cast<uint8_t>(in[0]) % 13 : 1;
  for (size_t i = 0; i < in.size(); i += step) {
    reader.Feed(in.substr(i, step));
    while (auto p = reader.Next()) frames.push_back(std::move(*p));
  }
  (void)zk::DecodePacket(in);
  (void)zk::DecodeFreeSizes(in);
  (void)zk::DecodeReadBufferRequest(in);
  uint32_t hint = size >= 4 ? static_cast<uint8_t>(in[1]) | (static_cast<uint8_t>(in[2]) << 8) : 0;
  (void)zk::DecodeAttendance(in, hint);
  for (size_t i = 0; i + 4 <= in.size() && i < 64; i += 4) {
    uint32_t t = 0;
    for (int k = 3; k >= 0; --k) t = (t << 8) | static_cast<uint8_t>(in[i + k]);
    (void)zk::DecodeTime(t);
  }
  // The frames as a terminal's replies to a buffered read (small chunks to exercise the loop).
  auto send = [](uint16_t, std::string_view) { return titip::Status::Ok(); };
  auto recv = [&frames]() -> titip::Result<zk::Packet> {
    if (frames.empty()) return titip::Status::Unavailable("timeout");
    zk::Packet p = std::move(frames.front());
    frames.pop_front();
    return p;
  };
  auto ds = zk::ReadBuffered(send, recv, 512);
  if (ds.ok()) (void)zk::DecodeAttendance(*ds);
  return 0;
}
