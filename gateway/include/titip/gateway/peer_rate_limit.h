// Per-peer request budget for the ADMS endpoint: a token bucket per remote address, so one
// misbehaving or hostile device on the office LAN cannot keep the gateway's committer busy
// for the real terminals. Pure (time is passed in) and thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "titip/common/clock.h"

namespace titip::gateway {

class PeerRateLimit {
 public:
  // `per_s` tokens a second, at most `burst` saved; at most `max_peers` remembered (the
  // longest-idle is forgotten first, which only ever gives it a full bucket again).
  PeerRateLimit(double per_s, double burst, size_t max_peers = 4096);

  // Takes one token from `peer`'s bucket; false when it is empty.
  bool Allow(const std::string& peer, MonoTime now);
  size_t peers() const;

 private:
  struct Bucket {
    double tokens;
    MonoTime last;
  };
  double per_s_, burst_;
  size_t max_peers_;
  mutable std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace titip::gateway
