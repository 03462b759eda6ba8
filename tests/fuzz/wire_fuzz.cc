// Fuzz target for incoming wire frames: the bytes of a ZeroMQ frame body as the node loop
// parses them (wire::Envelope, zmq_sockets.cc ReceiveAll) and, for a bundle, its packed punch
// batch as Engine::HandleBundle decodes it; the bytes also go straight to UnpackPunches so the
// fuzzer reaches the batch format without having to discover protobuf framing first.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "titip.pb.h"
#include "titip/relay/punch_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace relay = titip::relay;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<titip::wire::Punch> punches;
  (void)relay::UnpackPunches(in, &punches);
  (void)relay::UnpackPunches(in, &punches, 3);
  titip::wire::Envelope env;
  if (env.ParseFromArray(data, static_cast<int>(size)) && env.has_bundle()) {
    (void)relay::UnpackPunches(env.bundle().packed(), &punches, relay::kDefaultMaxUnpackPunches);
    for (const auto& p : punches) (void)p.ByteSizeLong();
  }
  return 0;
}
