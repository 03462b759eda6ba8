// The board as JSON (/api/board) and as the page's no-JavaScript table. Ages are computed here
// against the board's `now`, so the browser's own clock (often wrong on office PCs) never
// matters.
#include <nlohmann/json.hpp>

#include "board_page.h"
#include "titip/aggregator/board.h"
#include "titip/common/civil_time.h"

namespace titip::aggregator {
namespace {

nlohmann::json TileJson(const Tile& t, int64_t now_ms) {
  nlohmann::json j = {
      {"unit", t.unit},
      {"state", TileStateName(t.state)},
      {"reason", t.reason},
      {"queued", t.queued},
      {"undelivered", t.undelivered},
      {"oldest_queued_age_s", t.oldest_queued_age_s},
      {"arrivals_today", t.arrivals_today},
      {"days_late", t.days_late},
      {"nodes", t.nodes},
      {"in_roster", t.in_roster},
      {"last_contact", nullptr},
      {"last_contact_age_s", nullptr},
  };
  if (t.last_contact_ms > 0) {
    j["last_contact"] = FormatRfc3339Utc(WallTime(t.last_contact_ms));
    j["last_contact_age_s"] = std::max<int64_t>(0, (now_ms - t.last_contact_ms) / 1000);
  }
  return j;
}

nlohmann::json GraphJson(const Board& b) {
  nlohmann::json nodes = nlohmann::json::array(), edges = nlohmann::json::array();
  for (const auto& n : b.nodes) {
    nodes.push_back({{"id", n.id},
                     {"kind", NodeKindName(n.kind)},
                     {"state", TileStateName(n.state)},
                     {"unit", n.unit},
                     {"x", n.x},
                     {"y", n.y}});
  }
  for (const auto& e : b.edges) {
    edges.push_back({{"from", e.from},
                     {"to", e.to},
                     {"state", EdgeStateName(e.state)},
                     {"last_ack_age_s", e.last_ack_age_s}});
  }
  return {{"width", b.width}, {"height", b.height}, {"nodes", nodes}, {"edges", edges}};
}

}  // namespace

std::string BoardJson(const Board& board, int utc_offset_min) {
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [s, n] : board.counts) counts[TileStateName(s)] = n;
  nlohmann::json tiles = nlohmann::json::array();
  for (const auto& t : board.tiles) tiles.push_back(TileJson(t, board.now_ms));
  const int64_t local = board.now_ms / 1000 + utc_offset_min * 60LL;
  nlohmann::json j = {
      {"generated_at", FormatRfc3339Utc(WallTime(board.now_ms))},
      {"local_time", FormatCivil(local, ' ')},
      {"utc_offset_min", utc_offset_min},
      {"counts", counts},
      {"tiles", tiles},
      {"graph", GraphJson(board)},
  };
  // Unit ids and reasons are ours, but the dump must never end the <script> it is embedded in.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string BoardPage(const Board& board, int utc_offset_min) {
  std::string json = BoardJson(board, utc_offset_min);
  std::string safe;  // '<' only occurs inside JSON strings, where \u003c means the same
  safe.reserve(json.size());
  for (char c : json) {
    if (c == '<') {
      safe += "\\u003c";
    } else {
      safe += c;
    }
  }
  return RenderPage(safe, NoScriptTable(board));
}

}  // namespace titip::aggregator
