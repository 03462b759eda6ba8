// Fuzz target for the SOAP GetAttLog reply decoder: the bytes as a response body, whole and in
// data-dependent chunks (the split must not change the result), and as a single <Row> text.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "titip/gateway/soap_attlog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace gw = titip::gateway;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<gw::AttlogRecord> whole, split;
  gw::SoapAttLogParser a, b;
  a.Feed(in, &whole);
  a.Finish();
  size_t step = size ? 1 + static_cast<uint8_t>(in[0]) % 23 : 1;
  for (size_t i = 0; i < in.size(); i += step) b.Feed(in.substr(i, step), &split);
  b.Finish();
  if (whole != split || a.garbage_count() != b.garbage_count()) __builtin_trap();
  gw::AttlogRecord rec;
  (void)gw::DecodeSoapRow(in, &rec);
  return 0;
}
