// Fuzz target for the USB exports: the bytes as attlog.dat (whole and in data-dependent chunks;
// the split must not change records or issues) and as a GLG/AGL file in each date order.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "titip/gateway/attlog_parser.h"
#include "titip/gateway/glg_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace gw = titip::gateway;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<gw::AttlogRecord> whole, split;
  gw::AttlogParser a, b;
  a.Feed(in, &whole);
  a.Finish(&whole);
  size_t step = size ? 1 + static_cast<uint8_t>(in[0]) % 19 : 1;
  for (size_t i = 0; i < in.size(); i += step) b.Feed(in.substr(i, step), &split);
  b.Finish(&split);
  if (whole != split || a.issues() != b.issues() || a.garbage_count() != b.garbage_count()) {
    __builtin_trap();
  }
  (void)gw::LooksLikeGlg(in);
  for (auto order : {gw::DateOrder::kAuto, gw::DateOrder::kMdy, gw::DateOrder::kDmy}) {
    (void)gw::ParseGlg(in, order);
  }
  return 0;
}
