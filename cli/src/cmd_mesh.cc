// `titipctl mesh`: every node's latest telemetry as the aggregator stored it (SPEC §7 "Mesh
// view", §9), one row per node, so an admin sees queue depth, last contact and clock skew of
// the whole district at once. Read-only: works while the daemon runs and while it is stopped.
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "context.h"
#include "titip/common/civil_time.h"

namespace titip::cli {
namespace {

uint64_t Magnitude(int64_t v) {  // |v| without overflow at INT64_MIN
  return v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
}

// The node's skew is its worst terminal's, sign kept (-90 = a terminal 90 s behind): one number
// that says whether any punch time of that node is suspect. On equal magnitudes the first
// terminal reported wins, so the output is stable. None without terminals.
std::optional<int64_t> NodeSkew(const wire::Telemetry& t) {
  std::optional<int64_t> worst;
  for (const auto& term : t.terminals()) {
    if (!worst || Magnitude(term.clock_skew_s()) > Magnitude(*worst)) worst = term.clock_skew_s();
  }
  return worst;
}

nlohmann::json MeshRowJson(const wire::Telemetry& t, int64_t received_at_ms, int64_t now_ms) {
  nlohmann::json terminals = nlohmann::json::array();
  for (const auto& term : t.terminals()) {
    terminals.push_back({{"serial", term.serial()},
                         {"up", term.up()},
                         {"clock_skew_s", term.clock_skew_s()},
                         {"last_contact_age_s", term.last_contact_age_s()}});
  }
  // The node's links as it reported them (the status board draws the same): which one carries
  // its bundles, which are up. -1 on the wire (no custody ack yet) is null here, as in `queue`.
  nlohmann::json upstreams = nlohmann::json::array();
  for (const auto& u : t.upstreams()) {
    upstreams.push_back(
        {{"id", u.id()},
         {"up", u.up()},
         {"active", u.active()},
         {"last_ack_age_s",
          u.last_ack_age_s() < 0 ? nlohmann::json(nullptr) : nlohmann::json(u.last_ack_age_s())}});
  }
  std::optional<int64_t> skew = NodeSkew(t);
  return {
      {"node", t.node()},
      // A future stamp (our clock stepped back since) reads as "just now", never negative.
      {"last_seen_age_s", std::max<int64_t>(0, (now_ms - received_at_ms) / 1000)},
      {"last_seen", FormatRfc3339Utc(WallTime(received_at_ms))},
      {"queued", t.queued()},
      {"undelivered", t.undelivered()},
      {"oldest_queued_age_s", t.oldest_queued_age_s()},
      {"bytes", t.bytes()},
      {"terminals", std::move(terminals)},
      {"upstreams", std::move(upstreams)},
      {"clock_skew_s", skew ? nlohmann::json(*skew) : nlohmann::json(nullptr)},
      {"complete_through", t.complete_through() ? nlohmann::json(FormatCivil(t.complete_through()))
                                                : nlohmann::json(nullptr)},
  };
}

std::string Age(int64_t s) {
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m";
  if (s < 86400) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

// "diskominfo*, cadangan (down)": the active link starred, a link that is not up marked.
std::string Links(const nlohmann::json& upstreams) {
  std::string out;
  for (const auto& u : upstreams) {
    if (!out.empty()) out += ", ";
    out += u["id"].get<std::string>();
    if (u["active"].get<bool>()) out += "*";
    if (!u["up"].get<bool>()) out += " (down)";
  }
  return out.empty() ? "-" : out;
}

std::vector<std::string> TableRow(const nlohmann::json& r) {
  int up = 0;
  for (const auto& term : r["terminals"]) up += term["up"].get<bool>() ? 1 : 0;
  std::string skew = "-";
  if (!r["clock_skew_s"].is_null()) {
    int64_t s = r["clock_skew_s"];
    skew = (s > 0 ? "+" : "") + std::to_string(s) + "s";
  }
  return {r["node"].get<std::string>(),
          Age(r["last_seen_age_s"].get<int64_t>()) + " ago",
          std::to_string(r["queued"].get<uint64_t>()),
          std::to_string(r["undelivered"].get<uint64_t>()),
          r["queued"].get<uint64_t>() ? Age(r["oldest_queued_age_s"].get<int64_t>()) : "-",
          std::to_string(up) + "/" + std::to_string(r["terminals"].size()) + " up",
          skew,
          r["complete_through"].is_null() ? "-" : r["complete_through"].get<std::string>(),
          Links(r["upstreams"])};
}

// Columns padded to their widest cell; numbers right-aligned so digits line up.
void PrintTable(const std::vector<std::vector<std::string>>& rows) {
  const std::vector<bool> right = {false, true, true, true, true, true, true, false, false};
  std::vector<size_t> width(right.size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      std::string pad(width[c] - row[c].size(), ' ');
      line += c ? "  " : "";
      line += right[c] ? pad + row[c] : row[c] + (c + 1 < row.size() ? pad : "");
    }
    std::cout << line << "\n";
  }
}

}  // namespace

int CmdMesh(Context& ctx) {
  std::unique_ptr<storage::Store> store;
  if (int rc = ctx.OpenReadOnly(&store); rc != kOk) return rc;
  const int64_t now_ms = SystemClock::Instance().Wall().count();  // once, for every row
  nlohmann::json rows = nlohmann::json::array();
  Status s = store->ForEachTelemetry([&](const wire::Telemetry& t, int64_t received_at_ms) {
    rows.push_back(MeshRowJson(t, received_at_ms, now_ms));
    return true;
  });
  if (!s.ok()) {
    std::cerr << "titipctl: " << s.ToString() << "\n";
    return ExitFor(s);
  }
  if (ctx.json) {
    std::cout << rows.dump() << "\n";
    return kOk;
  }
  if (rows.empty()) {
    std::cout << "no node has reported telemetry yet\n";
    return kOk;
  }
  // The store walks node ids in byte order, which is the order wanted here.
  std::vector<std::vector<std::string>> table = {{"NODE", "LAST SEEN", "QUEUED", "UNDELIVERED",
                                                  "OLDEST", "TERMINALS", "SKEW", "COMPLETE THROUGH",
                                                  "UPSTREAMS (* active)"}};
  for (const auto& r : rows) table.push_back(TableRow(r));
  PrintTable(table);
  return kOk;
}

}  // namespace titip::cli
