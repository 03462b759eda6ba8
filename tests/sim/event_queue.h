// The simulator's single agenda: events ordered by (virtual time, sequence number), so events at
// the same instant run in the order they were scheduled and one seed gives one exact run. Frames
// live in a Slab and events carry only their slot.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "titip/common/clock.h"

namespace titip::sim {

enum class EventKind : uint8_t {
  kTick,        // node: Engine::OnTick (arg: incarnation)
  kDeliver,     // node: a frame arrives (arg: frame slot)
  kWrite,       // node: its running batch of store writes commits (arg: incarnation)
  kInject,      // gateway: its terminal has punches due
  kLinkDown,    // node's access link fails
  kLinkUp,      // ... and comes back
  kCrash,       // node's process dies
  kRestart,     // ... and starts again over the same store
  kFaultEnd,    // faults stop; the drain phase begins
  kDrainCheck,  // are all queues empty yet?
  kDayMark,     // a progress line
};

struct Event {  // 24 bytes: the heap moves tens of millions of these
  MonoTime at{};
  uint64_t seq = 0;
  uint32_t arg = 0;
  int16_t node = -1;
  EventKind kind = EventKind::kTick;
};

// A 4-ary min-heap: half the depth of a binary heap, and the four children of a node share a
// cache line or two. It moves tens of millions of events per simulated week.
class EventQueue {
 public:
  // `node` < 32768 and `arg` < 2^32 (slots, incarnations): the simulator's sizes are far below.
  void Push(MonoTime at, EventKind kind, int node = -1, uint64_t arg = 0) {
    heap_.push_back(
        Event{at, ++seq_, static_cast<uint32_t>(arg), static_cast<int16_t>(node), kind});
    SiftUp(heap_.size() - 1);
  }
  bool Empty() const { return heap_.empty(); }
  size_t Size() const { return heap_.size(); }
  // Precondition: !Empty().
  Event Pop() {
    Event top = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) SiftDown(0);
    return top;
  }

 private:
  static bool Before(const Event& a, const Event& b) {
    return a.at != b.at ? a.at < b.at : a.seq < b.seq;
  }
  void SiftUp(size_t i) {
    Event e = heap_[i];
    while (i > 0) {
      size_t parent = (i - 1) / 4;
      if (!Before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }
  void SiftDown(size_t i) {
    Event e = heap_[i];
    const size_t n = heap_.size();
    for (;;) {
      size_t first = 4 * i + 1;
      if (first >= n) break;
      size_t best = first;
      for (size_t c = first + 1; c < std::min(first + 4, n); ++c) {
        if (Before(heap_[c], heap_[best])) best = c;
      }
      if (!Before(heap_[best], e)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
  }

  std::vector<Event> heap_;
  uint64_t seq_ = 0;
};

// Owns values by slot number; slots are reused after Release. References stay valid while
// other values are added (a deque), so a frame can be delivered in place — its delivery may
// send new frames — without moving it out first.
template <typename T>
class Slab {
 public:
  uint64_t Put(T value) {
    ++live_;
    if (free_.empty()) {
      items_.push_back(std::move(value));
      return items_.size() - 1;
    }
    uint64_t slot = free_.back();
    free_.pop_back();
    items_[slot] = std::move(value);
    return slot;
  }
  T& At(uint64_t slot) { return items_[slot]; }
  // The value stays until the slot is reused.
  void Release(uint64_t slot) {
    free_.push_back(slot);
    --live_;
  }
  size_t live() const { return live_; }

 private:
  std::deque<T> items_;
  std::vector<uint64_t> free_;
  size_t live_ = 0;
};

}  // namespace titip::sim
