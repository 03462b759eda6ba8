// BuildBoard: tiles from the roster, telemetry and deadline rows; the mesh graph's nodes,
// edges and layout from the telemetry's upstream reports (board.h has the rules).
#include <algorithm>
#include <set>

#include "titip/aggregator/board.h"

namespace titip::aggregator {
namespace {

// Graph layout, in SVG user units: three columns, one row per gateway.
constexpr int kRowHeight = 22;
constexpr int kTop = 30;
constexpr int kGatewayX = 200, kRelayX = 470, kSinkX = 700, kWidth = 800;

int Severity(DeadlineStatus s) {
  return s == DeadlineStatus::kLate ? 2 : s == DeadlineStatus::kWarn ? 1 : 0;
}

std::vector<std::string> AllUnits(const BoardInput& in) {
  std::set<std::string> units(in.roster_units.begin(), in.roster_units.end());
  for (const auto& n : in.nodes) {
    if (!n.unit.empty()) units.insert(n.unit);
  }
  for (const auto& r : in.deadline) units.insert(r.unit);
  return {units.begin(), units.end()};
}

Tile MakeTile(const BoardInput& in, const std::string& unit) {
  Tile t;
  t.unit = unit;
  t.in_roster =
      std::find(in.roster_units.begin(), in.roster_units.end(), unit) != in.roster_units.end();
  for (const auto& n : in.nodes) {
    if (n.unit != unit) continue;
    t.nodes.push_back(n.node);
    t.last_contact_ms = std::max(t.last_contact_ms, n.last_seen_ms);
    t.queued += n.queued;
    t.undelivered += n.undelivered;
    if (n.queued) t.oldest_queued_age_s = std::max(t.oldest_queued_age_s, n.oldest_queued_age_s);
  }
  if (auto a = in.arrivals_today.find(unit); a != in.arrivals_today.end()) {
    t.arrivals_today = a->second;
  }
  // The worst day decides; on a tie the oldest day, whose reason is the most urgent.
  const DeadlineRow* worst = nullptr;
  for (const auto& r : in.deadline) {
    if (r.unit != unit) continue;
    if (r.status == DeadlineStatus::kLate) ++t.days_late;
    if (!worst || Severity(r.status) > Severity(worst->status)) worst = &r;
  }
  if (worst && worst->status == DeadlineStatus::kLate) {
    t.state = TileState::kLate;
  } else if (worst && worst->status == DeadlineStatus::kWarn) {
    t.state = TileState::kWarn;
  } else if (t.last_contact_ms == 0 || in.now_ms - t.last_contact_ms > in.silent_after_ms) {
    t.state = TileState::kSilent;
  } else {
    t.state = TileState::kOk;
  }
  if (t.state == TileState::kLate || t.state == TileState::kWarn) {
    t.reason = worst->reason;
  } else if (t.state == TileState::kSilent) {
    t.reason = t.last_contact_ms == 0 ? "no gateway of this unit has ever reported"
                                      : "no report for more than " +
                                            std::to_string(in.silent_after_ms / 60000) + " min";
  } else {
    t.reason = "reporting; nothing overdue";
  }
  return t;
}

EdgeState EdgeOf(const BoardInput& in, const NodeReport& n, const NodeReport::Upstream& u) {
  if (in.now_ms - n.last_seen_ms > in.stale_link_after_ms) return EdgeState::kStale;
  if (!u.up) return EdgeState::kDown;
  return u.active ? EdgeState::kActive : EdgeState::kStandby;
}

// Columns: gateways (nodes with a unit), relays (the rest, plus upstreams nobody reported for),
// the aggregator. Relays and the aggregator are centred against the gateway column.
void LayOut(const BoardInput& in, const std::map<std::string, TileState>& unit_state, Board* b) {
  std::vector<GraphNode> gws, relays;
  std::set<std::string> known;
  for (const auto& n : in.nodes) {
    known.insert(n.node);
    if (n.node == in.sink) continue;
    GraphNode g{n.node, NodeKind::kGateway, TileState::kOk, n.unit, 0, 0};
    if (!n.unit.empty()) {
      auto s = unit_state.find(n.unit);
      g.state = s == unit_state.end() ? TileState::kSilent : s->second;
      gws.push_back(std::move(g));
    } else {
      g.kind = NodeKind::kRelay;
      g.state =
          in.now_ms - n.last_seen_ms > in.silent_after_ms ? TileState::kSilent : TileState::kOk;
      relays.push_back(std::move(g));
    }
  }
  for (const auto& n : in.nodes) {
    for (const auto& u : n.upstreams) {
      if (u.id != in.sink && known.insert(u.id).second) {
        relays.push_back({u.id, NodeKind::kRelay, TileState::kSilent, "", 0, 0});
      }
    }
  }
  const int rows =
      std::max<int>({static_cast<int>(gws.size()), static_cast<int>(relays.size()), 1});
  b->width = kWidth;
  b->height = kTop * 2 + (rows - 1) * kRowHeight;
  for (size_t i = 0; i < gws.size(); ++i) {
    gws[i].x = kGatewayX;
    gws[i].y = kTop + static_cast<int>(i) * kRowHeight;
  }
  // Relays spread evenly over the gateways' height, so edges fan in rather than bunch.
  for (size_t i = 0; i < relays.size(); ++i) {
    relays[i].x = kRelayX;
    relays[i].y =
        kTop + static_cast<int>((2 * i + 1) * (rows - 1) * kRowHeight / (2 * relays.size()));
  }
  b->nodes = std::move(gws);
  b->nodes.insert(b->nodes.end(), relays.begin(), relays.end());
  b->nodes.push_back({in.sink, NodeKind::kAggregator, TileState::kOk, "", kSinkX, b->height / 2});
}

}  // namespace

const char* TileStateName(TileState s) {
  switch (s) {
    case TileState::kOk:
      return "ok";
    case TileState::kWarn:
      return "warn";
    case TileState::kLate:
      return "late";
    case TileState::kSilent:
      return "silent";
  }
  return "?";
}

const char* NodeKindName(NodeKind k) {
  switch (k) {
    case NodeKind::kGateway:
      return "gateway";
    case NodeKind::kRelay:
      return "relay";
    case NodeKind::kAggregator:
      return "aggregator";
  }
  return "?";
}

const char* EdgeStateName(EdgeState s) {
  switch (s) {
    case EdgeState::kActive:
      return "active";
    case EdgeState::kStandby:
      return "standby";
    case EdgeState::kDown:
      return "down";
    case EdgeState::kStale:
      return "stale";
  }
  return "?";
}

Board BuildBoard(const BoardInput& in) {
  Board b;
  b.now_ms = in.now_ms;
  for (TileState s : {TileState::kOk, TileState::kWarn, TileState::kLate, TileState::kSilent}) {
    b.counts[s] = 0;
  }
  std::map<std::string, TileState> unit_state;
  for (const auto& unit : AllUnits(in)) {
    b.tiles.push_back(MakeTile(in, unit));
    ++b.counts[b.tiles.back().state];
    unit_state[unit] = b.tiles.back().state;
  }
  LayOut(in, unit_state, &b);
  for (const auto& n : in.nodes) {
    if (n.node == in.sink) continue;
    for (const auto& u : n.upstreams) {
      b.edges.push_back({n.node, u.id, EdgeOf(in, n, u), u.last_ack_age_s});
    }
  }
  return b;
}

}  // namespace titip::aggregator
