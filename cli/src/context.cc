// Resolving config and state dir, and opening the store, for titipctl.
#include "context.h"

#include <filesystem>
#include <iostream>

#include "titip/relay/runtime_status.h"

namespace titip::cli {

int ExitFor(const Status& s) {
  switch (s.code()) {
    case Code::kOk:
      return kOk;
    case Code::kNotFound:
      return kNoInput;
    case Code::kInvalidArgument:
      return kUsage;
    case Code::kCorruption:
    case Code::kFailedPrecondition:
      return kDataErr;
    case Code::kStoreFull:
      return kTempFail;
    case Code::kUnavailable:
      return kUnavailable;
    default:
      return kIoErr;
  }
}

int Context::Resolve() {
  if (!config_path.empty()) {
    // The file does not say its role; the first role whose rules it satisfies is it.
    config::LoadResult first;
    for (auto role : {config::Role::kGateway, config::Role::kRelay, config::Role::kAggregator}) {
      auto r = config::LoadConfig(config_path, role);
      if (r.config) {
        config = std::move(r.config);
        break;
      }
      if (!first.error) first = std::move(r);
    }
    if (!config) {
      std::cerr << "titipctl: bad config: " << first.error->ToString() << "\n";
      return kConfig;
    }
    if (state_dir.empty()) state_dir = config->node.state_dir;
  }
  if (state_dir.empty()) {
    std::cerr << "titipctl: give --config FILE or --state-dir DIR\n";
    return kUsage;
  }
  return kOk;
}

int Context::OpenReadOnly(std::unique_ptr<storage::Store>* out) {
  storage::StoreOptions o;
  o.dir = state_dir;
  o.read_only = true;
  auto s = storage::Store::Open(o, SystemClock::Instance());
  if (!s.ok()) {
    std::cerr << "titipctl: " << s.status().ToString() << "\n";
    return ExitFor(s.status());
  }
  *out = std::move(s).value();
  return kOk;
}

int Context::OpenWritable(std::unique_ptr<storage::Store>* out) {
  storage::StoreOptions o;
  o.dir = state_dir;
  if (config) {
    o.node_id = config->node.id;
    o.map_cap_bytes = config->store.map_cap_mb << 20;
    o.initial_map_bytes = config->store.initial_map_mb << 20;
  } else {
    std::unique_ptr<storage::Store> ro;  // learn the owner, then close: one env per process
    if (int rc = OpenReadOnly(&ro); rc != kOk) return rc;
    o.node_id = ro->node_id();
  }
  auto s = storage::Store::Open(o, SystemClock::Instance());
  if (!s.ok()) {
    std::cerr << "titipctl: " << s.status().ToString() << "\n";
    return ExitFor(s.status());
  }
  *out = std::move(s).value();
  return kOk;
}

int64_t Context::NowMs() const { return now_ms ? now_ms : SystemClock::Instance().Wall().count(); }

std::string Context::RuntimeStatusPath() const {
  return (std::filesystem::path(state_dir) / relay::kRuntimeStatusFile).string();
}

}  // namespace titip::cli
