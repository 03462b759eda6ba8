#include "titip/gateway/peer_rate_limit.h"

#include <algorithm>

namespace titip::gateway {

PeerRateLimit::PeerRateLimit(double per_s, double burst, size_t max_peers)
    : per_s_(per_s), burst_(std::max(1.0, burst)), max_peers_(std::max<size_t>(1, max_peers)) {}

bool PeerRateLimit::Allow(const std::string& peer, MonoTime now) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = buckets_.find(peer);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_peers_) {
      auto idle = std::min_element(
          buckets_.begin(), buckets_.end(),
          [](const auto& a, const auto& b) { return a.second.last < b.second.last; });
      buckets_.erase(idle);
    }
    it = buckets_.emplace(peer, Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  if (now > b.last) {
    double dt = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + dt * per_s_);
    b.last = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

size_t PeerRateLimit::peers() const {
  std::lock_guard<std::mutex> l(mu_);
  return buckets_.size();
}

}  // namespace titip::gateway
