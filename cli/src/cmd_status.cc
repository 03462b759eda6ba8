// `titipctl status`: one screen that answers the operator's question first — did our punches
// reach Sengeti? — in Bahasa Indonesia on a gateway, English elsewhere or with --lang en.
// Facts come from the store (read-only, short transactions), the daemon's runtime file
// (links, terminals; absent or stale = daemon not running) and the config.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cmd_status.h"
#include "context.h"
#include "queue_view.h"
#include "titip/relay/runtime_status.h"

namespace titip::cli {
namespace {

std::optional<int64_t> OptInt(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_number_integer()) return std::nullopt;
  return j[key].get<int64_t>();
}

std::string RoleOf(const Context& ctx) { return ctx.config ? RoleName(ctx.config->role) : "node"; }

// Terminals from the daemon's report; those the config names but the daemon has not reported
// (or the daemon is stopped) appear with no state, so a missing terminal is visible.
std::vector<TerminalView> Terminals(const Context& ctx, const std::optional<nlohmann::json>& rt,
                                    int64_t file_age_s) {
  std::vector<TerminalView> out;
  if (rt && rt->contains("terminals") && (*rt)["terminals"].is_array()) {
    for (const auto& t : (*rt)["terminals"]) {
      TerminalView v;
      v.serial = t.value("serial", "");
      v.up = t.value("up", false);
      v.clock_skew_s = OptInt(t, "clock_skew_s");
      v.last_contact_age_s = OptInt(t, "last_contact_age_s");
      if (v.last_contact_age_s) *v.last_contact_age_s += file_age_s;
      v.last_error = t.value("last_error", "");
      out.push_back(std::move(v));
    }
  }
  if (ctx.config) {
    for (const auto& c : ctx.config->terminals) {
      bool known = false;
      for (const auto& t : out) known |= t.serial == c.serial;
      if (!known) out.push_back(TerminalView{c.serial, std::nullopt, {}, {}, {}, c.kind});
    }
  }
  return out;
}

}  // namespace

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kStopped:
      return "stopped";
    case Verdict::kStoreFull:
      return "store_full";
    case Verdict::kWaitingLink:
      return "waiting_link";
    case Verdict::kSending:
      return "sending";
    case Verdict::kAllDelivered:
      return "all_delivered";
  }
  return "unknown";
}

Verdict Decide(const StatusView& v) {
  if (!v.daemon_running) return Verdict::kStopped;
  // Past 90% of the cap the next outage fills it; intake refuses at 100%.
  if (v.store_cap_bytes && v.store_used_bytes * 10 >= v.store_cap_bytes * 9) {
    return Verdict::kStoreFull;
  }
  uint64_t pending = v.role == "relay" ? v.queued : v.undelivered;
  if (pending == 0 || v.upstreams.empty()) return Verdict::kAllDelivered;
  for (const auto& u : v.upstreams) {
    if (u.state == "up") return Verdict::kSending;
  }
  return Verdict::kWaitingLink;
}

nlohmann::json StatusJson(const StatusView& v, const nlohmann::json& queue, Lang lang) {
  auto opt = [](const std::optional<int64_t>& x) {
    return x ? nlohmann::json(*x) : nlohmann::json(nullptr);
  };
  nlohmann::json terms = nlohmann::json::array();
  for (const auto& t : v.terminals) {
    terms.push_back({{"serial", t.serial},
                     {"up", t.up ? nlohmann::json(*t.up) : nlohmann::json(nullptr)},
                     {"clock_skew_s", opt(t.clock_skew_s)},
                     {"last_contact_age_s", opt(t.last_contact_age_s)},
                     {"last_error", t.last_error}});
  }
  return {{"role", v.role},
          {"node", v.node},
          {"unit", v.unit},
          {"daemon_running", v.daemon_running},
          {"queue", queue},
          {"punches", v.punches},
          {"last_receipt_age_s", opt(v.last_receipt_age_s)},
          {"link_down_for_s", opt(v.link_down_for_s)},
          {"terminals", terms},
          {"verdict", VerdictName(v.verdict)},
          {"lang", lang == Lang::kId ? "id" : "en"},
          {"message", Headline(v, lang)}};
}

int CmdStatus(Context& ctx, const StatusOptions& opt) {
  std::unique_ptr<storage::Store> store;
  if (int rc = ctx.OpenReadOnly(&store); rc != kOk) return rc;
  auto q = QueueJson(ctx, *store);
  auto c = store->GetCounters();
  if (!q.ok() || !c.ok()) {
    Status s = q.ok() ? c.status() : q.status();
    std::cerr << "titipctl: " << s.ToString() << "\n";
    return ExitFor(s);
  }
  int64_t now_ms = ctx.NowMs();
  StatusView v;
  v.role = RoleOf(ctx);
  v.node = store->node_id();
  v.unit = ctx.config ? ctx.config->node.unit : "";
  v.daemon_running = (*q)["daemon_running"];
  v.punches = c->punches;
  v.queued = c->queued;
  v.undelivered = c->undelivered;
  v.queued_bytes = c->queued_bytes;
  v.store_used_bytes = c->map_used_bytes;
  v.store_cap_bytes = c->map_cap_bytes;
  v.oldest_queued_age_s = (*q)["oldest_queued_age_s"];
  if (c->last_receipt_ms)
    v.last_receipt_age_s = std::max<int64_t>(0, (now_ms - c->last_receipt_ms) / 1000);
  auto rt = v.daemon_running ? relay::ReadRuntimeStatusFile(ctx.RuntimeStatusPath()) : std::nullopt;
  // Ages in the runtime file are as of its last rewrite (at most a few seconds ago).
  int64_t file_age_s =
      rt ? std::max<int64_t>(0, (now_ms - rt->value("updated_at_ms", now_ms)) / 1000) : 0;
  bool any_up = false;
  std::optional<int64_t> last_ack;
  for (const auto& u : (*q)["upstreams"]) {
    UpstreamView uv;
    uv.id = u.value("id", "");
    uv.state = u.value("state", "");
    uv.active = u.value("active", false);
    uv.in_flight = u.value("in_flight", uint64_t{0});
    uv.last_ack_age_s = OptInt(u, "last_ack_age_s");
    if (uv.last_ack_age_s) {
      *uv.last_ack_age_s += file_age_s;
      if (!last_ack || *uv.last_ack_age_s < *last_ack) last_ack = uv.last_ack_age_s;
    }
    any_up |= uv.state == "up";
    v.upstreams.push_back(std::move(uv));
  }
  if (!any_up) v.link_down_for_s = last_ack ? last_ack : v.last_receipt_age_s;
  v.terminals = Terminals(ctx, rt, file_age_s);
  v.verdict = Decide(v);
  Lang lang = opt.lang == "en"      ? Lang::kEn
              : opt.lang == "id"    ? Lang::kId
              : v.role == "gateway" ? Lang::kId
                                    : Lang::kEn;
  if (ctx.json) {
    std::cout << StatusJson(v, *q, lang).dump() << "\n";
    return kOk;
  }
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  bool color =
      opt.color == "always" || (opt.color == "auto" && isatty(STDOUT_FILENO) &&
                                !(no_color && *no_color) && !(term && std::string(term) == "dumb"));
  std::cout << RenderStatusText(v, lang, color);
  return kOk;
}

}  // namespace titip::cli
