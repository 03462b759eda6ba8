// Punch codec benchmark (SPEC §5 "≤ 12 bytes per punch on the wire"): bytes per punch of the
// current encoding (protobuf `repeated Punch` in a Bundle) against the packed batch, raw and
// zstd, for realistic office batches of 1, 100 and 1,000 punches; plus pack/unpack time.
// Prints a markdown table for BENCHMARKS.md. Usage: punch_codec_bench [--seed S]
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "clock_bench.h"
#include "titip/relay/punch_codec.h"

namespace titip::bench {
namespace {

constexpr int kEmployees = 300;
constexpr int64_t kDay0 = 1'710'460'800;          // 2024-03-15 00:00:00 civil
constexpr int64_t kPullAtMs = 1'710'522'000'000;  // the gateway's pull, Unix ms
constexpr uint64_t kFirstSeq = 48'213;            // mid-stream, as in a long-lived store

struct Event {
  int64_t time;
  int employee;
  uint32_t status;
};

int64_t Clock(std::mt19937_64& rng, double hour, double sd_min) {
  std::normal_distribution<double> d(hour * 3600, sd_min * 60);
  return static_cast<int64_t>(d(rng));
}

// One office day for one terminal: everyone punches in (~07:45) and out (~17:00), a third
// also punch out and back for lunch, a few press twice. Sorted as the terminal logs them.
std::vector<Event> OfficeDay(std::mt19937_64& rng, int64_t day_start) {
  std::vector<Event> day;
  std::uniform_real_distribution<double> u(0, 1);
  for (int e = 0; e < kEmployees; ++e) {
    day.push_back({day_start + Clock(rng, 7.75, 20), e, 0});
    if (u(rng) < 0.33) {
      const int64_t out = day_start + Clock(rng, 12.1, 10);
      day.push_back({out, e, 2});
      day.push_back({out + 1800 + static_cast<int64_t>(u(rng) * 1800), e, 3});
    }
    day.push_back({day_start + Clock(rng, 17.0, 25), e, 1});
    if (u(rng) < 0.03)
      day.push_back({day.back().time + 2 + static_cast<int64_t>(u(rng) * 8), e, 1});
  }
  std::sort(day.begin(), day.end(), [](const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : a.employee < b.employee;
  });
  return day;
}

// The first `n` punches of consecutive office days, pulled at once by a ZK gateway.
std::vector<wire::Punch> OfficeBatch(uint64_t seed, size_t n) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> pins;
  std::uniform_int_distribution<int> pin_number(100, 99999);
  while (pins.size() < kEmployees) {
    std::string pin = std::to_string(pin_number(rng));
    if (std::find(pins.begin(), pins.end(), pin) == pins.end()) pins.push_back(pin);
  }
  std::vector<Event> events;
  for (int64_t day = kDay0; events.size() < n; day += 86400) {
    const auto more = OfficeDay(rng, day);
    events.insert(events.end(), more.begin(), more.end());
  }
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<wire::Punch> batch;
  int64_t received = kPullAtMs;
  for (size_t i = 0; i < n; ++i) {
    const Event& ev = events[i];
    wire::Punch p;
    p.set_origin("gw-jkt-pusat-01");
    p.set_epoch(0x6a09e667f3bcc908ULL);
    p.set_seq(kFirstSeq + i);
    p.set_terminal("CKPJ203460123");
    p.set_pin(pins[ev.employee]);
    p.set_device_time(ev.time);
    p.set_utc_offset_min(420);
    const double v = u(rng);
    p.set_verify(v < 0.92 ? 1 : v < 0.98 ? 15 : 0);  // finger, face, password
    p.set_status(ev.status);
    p.set_workcode(0);
    received += static_cast<int64_t>(u(rng) * 3);  // records arrive a few ms apart
    p.set_received_at_ms(received);
    p.set_clock_synced(true);
    p.set_source(wire::SOURCE_ZK);
    p.set_unit("jkt-pusat");
    batch.push_back(std::move(p));
  }
  return batch;
}

size_t ZstdSize(const std::string& in) {
  std::string out(ZSTD_compressBound(in.size()), '\0');
  return ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
}

// Median over 5 runs of the seconds per call of `fn`, repeated enough to be measurable.
template <typename Fn>
double MedianSeconds(size_t n, Fn fn) {
  const int reps = static_cast<int>(std::max<size_t>(1, 20000 / n));
  std::vector<double> runs;
  for (int r = 0; r < 5; ++r) {
    const double start = BenchSeconds();
    for (int i = 0; i < reps; ++i) fn();
    runs.push_back((BenchSeconds() - start) / reps);
  }
  std::sort(runs.begin(), runs.end());
  return runs[2];
}

void Row(uint64_t seed, size_t n) {
  const auto batch = OfficeBatch(seed, n);
  wire::Bundle bundle;
  for (const auto& p : batch) *bundle.add_punches() = p;
  const std::string proto = bundle.SerializeAsString();
  const std::string raw = relay::PackPunches(batch, relay::PackCompression::kNone);
  const std::string packed = relay::PackPunches(batch);
  std::vector<wire::Punch> back;
  if (!relay::UnpackPunches(packed, &back).ok() || back.size() != n) {
    std::fprintf(stderr, "punch_codec_bench: round trip failed at n=%zu\n", n);
    std::exit(1);
  }
  const double pack_s = MedianSeconds(n, [&] { (void)relay::PackPunches(batch); });
  const double unpack_s = MedianSeconds(n, [&] { (void)relay::UnpackPunches(packed, &back); });
  const double dn = static_cast<double>(n);
  std::printf("| %zu | %.1f | %.1f | %.2f | %.2f | %s | %.2f | %.2f |\n", n, proto.size() / dn,
              ZstdSize(proto) / dn, raw.size() / dn, packed.size() / dn,
              (static_cast<uint8_t>(packed[0]) & relay::kPackedZstdFlag) ? "zstd" : "raw",
              pack_s * 1e6 / dn, unpack_s * 1e6 / dn);
}

}  // namespace
}  // namespace titip::bench

int main(int argc, char** argv) {
  uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: punch_codec_bench [--seed S]\n");
      return 2;
    }
  }
  std::printf("punch_codec_bench: seed %llu, %d PINs, one origin and terminal, zstd %s\n\n",
              static_cast<unsigned long long>(seed), titip::bench::kEmployees,
              ZSTD_versionString());
  std::printf(
      "| punches | protobuf B/punch | protobuf+zstd B/punch | packed raw B/punch | "
      "packed B/punch | packed form | pack µs/punch | unpack µs/punch |\n");
  std::printf("|---:|---:|---:|---:|---:|---|---:|---:|\n");
  for (size_t n : {1, 100, 1000}) titip::bench::Row(seed, n);
  return 0;
}
