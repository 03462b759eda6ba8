// `titipctl status`: one screen that answers the operator's question first — did today's
// punches reach Sengeti? — in Bahasa Indonesia on a gateway, English elsewhere.
#include <iostream>
#include <nlohmann/json.hpp>

#include "context.h"
#include "queue_view.h"

namespace titip::cli {
namespace {

std::string AgoId(int64_t s) {
  if (s < 60) return std::to_string(s) + " detik lalu";
  if (s < 3600) return std::to_string(s / 60) + " menit lalu";
  if (s < 86400) return std::to_string(s / 3600) + " jam lalu";
  return std::to_string(s / 86400) + " hari lalu";
}

std::string LinkStateId(const std::string& s) {
  if (s == "up") return "tersambung";
  if (s == "stopped") return "layanan berhenti";
  if (s == "down") return "terputus";
  return "menyambung...";
}

// The operator's answer, in one sentence.
std::string HeadlineId(const nlohmann::json& q, int64_t receipt_age_s, bool link_up) {
  uint64_t undelivered = q["undelivered"];
  if (undelivered == 0) {
    std::string when = receipt_age_s >= 0 ? " (terakhir " + AgoId(receipt_age_s) + ")" : "";
    return "Semua data sudah terkirim ke Sengeti" + when + ".";
  }
  std::string head = std::to_string(undelivered) + " data belum terkirim";
  if (link_up) return head + "; sedang dikirim ke Sengeti — data aman tersimpan.";
  return head + "; koneksi ke Sengeti terputus — tidak perlu tindakan, data aman tersimpan.";
}

}  // namespace

int CmdStatus(Context& ctx) {
  std::unique_ptr<storage::Store> store;
  if (int rc = ctx.OpenReadOnly(&store); rc != kOk) return rc;
  auto q = QueueJson(ctx, *store);
  auto c = store->GetCounters();
  if (!q.ok() || !c.ok()) {
    Status s = q.ok() ? c.status() : q.status();
    std::cerr << "titipctl: " << s.ToString() << "\n";
    return ExitFor(s);
  }
  int64_t now_ms = SystemClock::Instance().Wall().count();
  int64_t receipt_age = c->last_receipt_ms ? (now_ms - c->last_receipt_ms) / 1000 : -1;
  bool link_up = false;
  for (const auto& u : (*q)["upstreams"]) link_up |= u["state"] == "up";
  std::string role = !ctx.config                                  ? "node"
                     : ctx.config->role == config::Role::kGateway ? "gateway"
                     : ctx.config->role == config::Role::kRelay   ? "relay"
                                                                  : "aggregator";
  bool indonesian = role == "gateway";
  std::string headline = indonesian ? HeadlineId(*q, receipt_age, link_up) : "";
  if (ctx.json) {
    nlohmann::json j = {{"role", role},
                        {"node", store->node_id()},
                        {"daemon_running", (*q)["daemon_running"]},
                        {"queue", *q},
                        {"punches", c->punches},
                        {"last_receipt_age_s",
                         receipt_age >= 0 ? nlohmann::json(receipt_age) : nlohmann::json(nullptr)},
                        {"message", headline}};
    std::cout << j.dump() << "\n";
    return kOk;
  }
  if (indonesian) {
    std::cout << headline << "\n\n"
              << "Gateway        " << store->node_id() << "\n"
              << "Layanan        " << ((*q)["daemon_running"] ? "berjalan" : "TIDAK berjalan")
              << "\n"
              << "Antrian        " << (*q)["queued"] << " menunggu dikirim, " << (*q)["undelivered"]
              << " belum ada tanda terima\n";
    for (const auto& u : (*q)["upstreams"]) {
      std::cout << "Jalur          " << u["id"].get<std::string>() << ": "
                << LinkStateId(u["state"]) << "\n";
    }
    return kOk;
  }
  std::cout << role << " " << store->node_id() << ": daemon "
            << ((*q)["daemon_running"] ? "running" : "NOT running") << ", " << c->punches
            << " punches stored, " << (*q)["queued"] << " queued\n";
  for (const auto& u : (*q)["upstreams"]) {
    std::cout << "upstream " << u["id"].get<std::string>() << ": " << u["state"].get<std::string>()
              << "\n";
  }
  return kOk;
}

}  // namespace titip::cli
