// Shared helpers for the punch-store tests: a temp directory that removes itself, punch
// builders, WriteOp builders and small readers that turn the store's contents into values
// a test can compare.
#pragma once

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "titip/common/clock.h"
#include "titip/storage/store.h"

namespace titip::storage::testing {

// A fresh directory under /tmp (mkdtemp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/titip-store-test-XXXXXX";
    char* p = mkdtemp(tmpl.data());
    if (p == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline constexpr int64_t kBaseCivil = 1'710'460'800;  // 2024-03-15 00:00:00 (civil seconds)

// A punch as a terminal adapter would hand it to AppendLocal (no identity yet).
inline wire::Punch MakePunch(const std::string& terminal, const std::string& pin,
                             int64_t device_time, uint32_t verify = 1,
                             int64_t received_at_ms = 1'700'000'000'000) {
  wire::Punch p;
  p.set_terminal(terminal);
  p.set_pin(pin);
  p.set_device_time(device_time);
  p.set_utc_offset_min(420);
  p.set_verify(verify);
  p.set_status(0);
  p.set_received_at_ms(received_at_ms);
  p.set_clock_synced(true);
  p.set_source(wire::SOURCE_ZK);
  return p;
}

// A punch as it arrives at the sink from another node: identity already stamped.
inline wire::Punch MakeForeign(const std::string& origin, uint64_t epoch, uint64_t seq,
                               const std::string& terminal, const std::string& pin,
                               int64_t device_time, uint32_t verify = 1) {
  wire::Punch p = MakePunch(terminal, pin, device_time, verify);
  p.set_origin(origin);
  p.set_epoch(epoch);
  p.set_seq(seq);
  return p;
}

inline StoreOptions Options(const std::string& dir, const std::string& node = "gw-test",
                            size_t initial = 8u << 20, size_t cap = 4ull << 30) {
  StoreOptions o;
  o.dir = dir;
  o.node_id = node;
  o.initial_map_bytes = initial;
  o.map_cap_bytes = cap;
  return o;
}

// Opens or fails the current test (returns nullptr then).
inline std::unique_ptr<Store> OpenOrFail(const StoreOptions& o, const Clock& clock) {
  auto r = Store::Open(o, clock);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return nullptr;
  return std::move(r).value();
}

// Intake op: AppendLocal of *punches (stamped in place), outcome in *out.
inline WriteOp AppendOp(std::vector<wire::Punch>* punches, IntakeOutcome* out) {
  WriteOp op;
  op.intake = true;
  for (const auto& p : *punches) op.size_hint += p.ByteSizeLong();
  op.apply = [punches, out](WriteTxn& t) { return t.AppendLocal(punches, out); };
  return op;
}

inline WriteOp AcceptOp(const std::vector<wire::Punch>* punches, Role role, IntakeOutcome* out) {
  WriteOp op;
  op.intake = true;
  op.apply = [punches, role, out](WriteTxn& t) { return t.Accept(*punches, role, out); };
  return op;
}

inline WriteOp CustodyOp(std::vector<PunchKey> keys) {
  WriteOp op;
  op.apply = [keys = std::move(keys)](WriteTxn& t) { return t.MarkInCustody(keys); };
  return op;
}

inline WriteOp ReceiptOp(const std::string& origin, uint64_t epoch, uint64_t through) {
  wire::Receipt r;
  r.set_origin(origin);
  r.set_epoch(epoch);
  r.set_through_seq(through);
  WriteOp op;
  op.apply = [r](WriteTxn& t) { return t.ApplyReceipt(r); };
  return op;
}

inline WriteOp PruneOp(size_t max, uint64_t* pruned) {
  WriteOp op;
  op.apply = [max, pruned](WriteTxn& t) { return t.PruneDelivered(max, pruned); };
  return op;
}

struct StoredPunch {
  wire::Punch punch;
  PunchState state;
};

// Every punch with a body, in key order.
inline std::vector<StoredPunch> AllPunches(Store& store) {
  std::vector<StoredPunch> out;
  Status s = store.ForEachPunch([&](const wire::Punch& p, PunchState st) {
    out.push_back({p, st});
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

inline std::vector<QueuedPunch> AllQueued(Store& store) {
  auto r = store.FetchQueued(0, SIZE_MAX, SIZE_MAX);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r.value() : std::vector<QueuedPunch>{};
}

inline Counters CountersOf(Store& store) {
  auto r = store.GetCounters();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r.value() : Counters{};
}

inline std::optional<PunchState> StateOf(Store& store, const PunchKey& k) {
  auto r = store.GetState(k);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r.value() : std::nullopt;
}

// Seed for randomized tests: TITIP_SEED reproduces one seed; otherwise `fallback`.
inline bool SeedFromEnv(uint64_t* seed) {
  const char* env = getenv("TITIP_SEED");
  if (env == nullptr || *env == '\0') return false;
  *seed = std::strtoull(env, nullptr, 10);
  return true;
}

}  // namespace titip::storage::testing
