// The status board (issue 7 §6): what BKD staff at Sengeti see on one page — every unit as a
// tile (ok / warn / late / silent) with its last contact, queue depth and today's arrivals, and
// the mesh as a graph (gateways → relays → aggregator). This is the board's whole data
// computation, pure: the caller reads the roster, the telemetry, the deadline rows, the day's
// arrivals and `now` once, and the HTTP side only serialises the result.
//
// Tile state, worst first (the deadline decides first because it is BKD's rule):
//   late    some day of the deadline window is `late` (past D+3 00:00 without complete data);
//   warn    otherwise some day is `warn` (past D+2 12:00);
//   silent  otherwise no gateway of the unit has reported for more than `silent_after_ms`
//           (1 h; telemetry comes every 10 s), or none ever did: nothing is overdue yet, but
//           nobody can tell whether today's punches are on their way;
//   ok      otherwise (days still `pending` are normal: the day is not over or not due yet).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "titip/aggregator/deadline.h"

namespace titip::aggregator {

// One node's latest telemetry as the aggregator keeps it (Store::ForEachTelemetry).
struct NodeReport {
  struct Upstream {
    std::string id;
    bool up = false;
    bool active = false;
    int64_t last_ack_age_s = -1;  // -1: never
  };
  std::string node;
  std::string unit;  // empty on relays (and on the aggregator itself)
  int64_t last_seen_ms = 0;
  uint64_t queued = 0;       // not yet in custody upstream
  uint64_t undelivered = 0;  // without the sink's receipt
  int64_t oldest_queued_age_s = 0;
  int terminals_up = 0, terminals = 0;
  std::vector<Upstream> upstreams;
};

struct BoardInput {
  std::string sink;                       // the aggregator's node id
  std::vector<std::string> roster_units;  // watched even when they never reported
  std::vector<NodeReport> nodes;
  std::vector<DeadlineRow> deadline;               // the window's rows (EvaluateDeadlines)
  std::map<std::string, uint64_t> arrivals_today;  // unit → punches stored today at the sink
  int64_t now_ms = 0;
  int64_t silent_after_ms = 3600 * 1000;         // see the tile states above
  int64_t stale_link_after_ms = 10 * 60 * 1000;  // a report older than this greys its edges
};

enum class TileState { kOk, kWarn, kLate, kSilent };
const char* TileStateName(TileState s);  // ok, warn, late, silent

struct Tile {
  std::string unit;
  TileState state = TileState::kSilent;
  std::string reason;           // English, for admins: the deadline's reason or the silence
  int64_t last_contact_ms = 0;  // newest report of its gateways; 0 = never
  uint64_t queued = 0, undelivered = 0;  // summed over its gateways
  int64_t oldest_queued_age_s = 0;       // the oldest over its gateways
  uint64_t arrivals_today = 0;
  int days_late = 0;  // days of the window already late
  std::vector<std::string> nodes;
  bool in_roster = false;  // false: known only from telemetry
};

enum class NodeKind { kGateway, kRelay, kAggregator };
enum class EdgeState { kActive, kStandby, kDown, kStale };
const char* NodeKindName(NodeKind k);    // gateway, relay, aggregator
const char* EdgeStateName(EdgeState s);  // active, standby, down, stale

struct GraphNode {
  std::string id;
  NodeKind kind = NodeKind::kGateway;
  TileState state = TileState::kOk;  // gateways: their unit's tile; others ok or silent
  std::string unit;
  int x = 0, y = 0;  // centre, in the SVG's user units
};

struct GraphEdge {
  std::string from, to;
  EdgeState state = EdgeState::kStale;
  int64_t last_ack_age_s = -1;
};

struct Board {
  int64_t now_ms = 0;
  std::vector<Tile> tiles;  // by unit id
  std::map<TileState, int> counts;
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
  int width = 0, height = 0;  // of the graph
};

Board BuildBoard(const BoardInput& in);

// The /api/board document (ages in seconds against board.now_ms; times RFC 3339 UTC).
std::string BoardJson(const Board& board, int utc_offset_min);

// The whole page: inline CSS, JS and SVG, the board's JSON embedded for the first paint, a
// table for browsers without JavaScript (which refresh every 30 s instead of polling).
std::string BoardPage(const Board& board, int utc_offset_min);

}  // namespace titip::aggregator
