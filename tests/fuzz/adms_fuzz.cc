// Fuzz target for the ADMS / iclock PUSH decoders: the same bytes as an HTTP request target,
// an ATTLOG upload body (whole, in data-dependent chunks, and line by line), a devicecmd body,
// a getrequest reply and a DATA QUERY command. All take untrusted terminal bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "titip/gateway/adms_attlog.h"
#include "titip/gateway/adms_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace gw = titip::gateway;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)gw::ParseIclockTarget(in);
  (void)gw::ParseDeviceCmdBody(in);
  (void)gw::ParseGetRequestReply(in);
  int64_t start = 0, end = 0;
  (void)gw::ParseDataQueryAttlog(in, &start, &end);
  (void)gw::IsOkReply(in);

  std::vector<gw::AttlogRecord> whole, split;
  gw::AdmsAttlogParser a, b;
  a.Feed(in, &whole);
  a.Finish(&whole);
  size_t step = size ? 1 + static_cast<uint8_t>(in[0]) % 17 : 1;
  for (size_t i = 0; i < in.size(); i += step) b.Feed(in.substr(i, step), &split);
  b.Finish(&split);
  // The decoder promises the same records for any split; a difference is a bug.
  if (whole != split) __builtin_trap();
  gw::AttlogRecord rec;
  size_t nl = in.find('\n');
  (void)gw::DecodeAdmsAttlogLine(in.substr(0, nl), &rec);
  return 0;
}
