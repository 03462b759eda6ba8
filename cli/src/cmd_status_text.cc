// `titipctl status` as text. The first line answers the operator's question in words an
// office operator understands (Bahasa Indonesia on a gateway), then the detail an admin needs
// to diagnose. Pure functions of the StatusView, so golden files pin them down.
#include <cstdio>
#include <cstdlib>

#include "cmd_status.h"

namespace titip::cli {
namespace {

constexpr const char* kReset = "\033[0m";
constexpr const char* kGreen = "\033[32m";
constexpr const char* kYellow = "\033[33m";
constexpr const char* kRed = "\033[1;31m";

bool Id(Lang l) { return l == Lang::kId; }

// 1.200 (id) or 1,200 (en).
std::string Count(uint64_t n, Lang l) {
  std::string s = std::to_string(n), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += Id(l) ? '.' : ',';
    out += s[i];
  }
  return out;
}

// "5 menit" / "5 minutes": the largest whole unit.
std::string Span(int64_t s, Lang l) {
  s = std::max<int64_t>(0, s);
  struct U {
    int64_t secs;
    const char *id, *en;
  };
  const U units[] = {{86400, "hari", "day"}, {3600, "jam", "hour"}, {60, "menit", "minute"}};
  for (const U& u : units) {
    if (s >= u.secs) {
      int64_t n = s / u.secs;
      return std::to_string(n) + " " + (Id(l) ? u.id : std::string(u.en) + (n == 1 ? "" : "s"));
    }
  }
  return std::to_string(s) + (Id(l) ? " detik" : s == 1 ? " second" : " seconds");
}

std::string Ago(int64_t s, Lang l) { return Span(s, l) + (Id(l) ? " lalu" : " ago"); }

// "4.096,0 MB" (id) or "4,096.0 MiB" (en).
std::string Mib(uint64_t bytes, Lang l) {
  uint64_t tenths = (bytes * 10 + (1 << 19)) >> 20;
  return Count(tenths / 10, l) + (Id(l) ? "," : ".") + std::to_string(tenths % 10) +
         (Id(l) ? " MB" : " MiB");
}

int StorePct(const StatusView& v) {
  return v.store_cap_bytes ? static_cast<int>(v.store_used_bytes * 100 / v.store_cap_bytes) : 0;
}

// Punches that have not reached Sengeti from this node's point of view.
uint64_t Pending(const StatusView& v) { return v.role == "relay" ? v.queued : v.undelivered; }

std::string HeadlineId(const StatusView& v) {
  std::string n = Count(Pending(v), Lang::kId);
  switch (v.verdict) {
    case Verdict::kStopped:
      return Pending(v) ? "PERHATIAN: layanan titip tidak berjalan; " + n +
                              " data belum terkirim tetapi aman tersimpan. Nyalakan ulang "
                              "komputer ini atau hubungi admin Diskominfo."
                        : "PERHATIAN: layanan titip tidak berjalan, data baru tidak diambil. "
                          "Nyalakan ulang komputer ini atau hubungi admin Diskominfo.";
    case Verdict::kStoreFull:
      return "PERHATIAN: penyimpanan hampir penuh (" + std::to_string(StorePct(v)) +
             "%) — hubungi admin Diskominfo. Data yang sudah tersimpan aman.";
    case Verdict::kWaitingLink:
      return n + " data belum terkirim; koneksi ke Sengeti terputus" +
             (v.link_down_for_s ? " sejak " + Ago(*v.link_down_for_s, Lang::kId) : "") +
             " — tidak perlu tindakan, data aman tersimpan.";
    case Verdict::kSending:
      return v.queued ? n + " data belum terkirim; sedang dikirim ke Sengeti — tidak perlu "
                            "tindakan, data aman tersimpan."
                      : n + " data sudah dikirim, menunggu tanda terima dari Sengeti — tidak "
                            "perlu tindakan.";
    case Verdict::kAllDelivered:
      if (v.role == "aggregator")
        return Count(v.punches, Lang::kId) + " data tersimpan di Sengeti.";
      if (v.punches == 0) return "Belum ada data absen di gateway ini.";
      return "Semua data sudah terkirim ke Sengeti" +
             (v.last_receipt_age_s ? " (terakhir " + Ago(*v.last_receipt_age_s, Lang::kId) + ")"
                                   : std::string()) +
             ".";
  }
  return "";
}

std::string HeadlineEn(const StatusView& v) {
  std::string n = Count(Pending(v), Lang::kEn);
  std::string daemon = "titip-" + (v.role == "node" ? std::string("gateway") : v.role);
  switch (v.verdict) {
    case Verdict::kStopped:
      return "ATTENTION: " + daemon + " is not running; " + n +
             " punches undelivered, safely stored. Start it: systemctl restart " + daemon + ".";
    case Verdict::kStoreFull:
      return "ATTENTION: store " + std::to_string(StorePct(v)) +
             "% full; intake stops at the cap. Raise [store] map_cap_mb or restore the uplink.";
    case Verdict::kWaitingLink:
      return n + " punches not yet delivered; no link to Sengeti" +
             (v.link_down_for_s ? " for " + Span(*v.link_down_for_s, Lang::kEn) : "") +
             " — no action needed, they are safely stored.";
    case Verdict::kSending:
      return v.queued ? n + " punches not yet delivered; sending to Sengeti now."
                      : n + " punches sent, awaiting Sengeti's receipt.";
    case Verdict::kAllDelivered:
      if (v.role == "aggregator") return Count(v.punches, Lang::kEn) + " punches stored.";
      if (v.punches == 0) return "No punches stored yet.";
      return "All punches delivered to Sengeti" +
             (v.last_receipt_age_s ? " (last receipt " + Ago(*v.last_receipt_age_s, Lang::kEn) + ")"
                                   : std::string()) +
             ".";
  }
  return "";
}

std::string Skew(int64_t s, Lang l) {
  if (s == 0) return Id(l) ? "jam mesin tepat" : "clock exact";
  // Exact seconds while small: a 95 s skew shown as "1 minute" would hide 35 s.
  int64_t m = s < 0 ? -s : s;
  std::string mag = m < 600 ? std::to_string(m) + (Id(l) ? " detik" : " s") : Span(m, l);
  if (Id(l)) return "jam mesin " + std::string(s > 0 ? "lebih cepat " : "lebih lambat ") + mag;
  return "clock " + mag + (s > 0 ? " ahead" : " behind");
}

std::string TerminalLine(const TerminalView& t, Lang l, bool color) {
  std::string line = t.serial + ": ";
  if (!t.up && t.kind == "usb") {
    return line + (Id(l) ? "diambil lewat flashdisk (titipctl import)" : "USB import only");
  }
  if (!t.up) return line + (Id(l) ? "belum ada kabar" : "no report yet");
  if (*t.up) {
    line += Id(l) ? "terhubung" : "up";
  } else {
    std::string down = Id(l) ? "TIDAK terhubung" : "DOWN";
    line += color ? kRed + down + kReset : down;
  }
  if (t.last_contact_age_s && !*t.up) {
    line += Id(l) ? " (terakhir " + Ago(*t.last_contact_age_s, l) + ")"
                  : " (last contact " + Ago(*t.last_contact_age_s, l) + ")";
  }
  if (t.clock_skew_s) line += ", " + Skew(*t.clock_skew_s, l);
  if (!t.last_error.empty() && !*t.up) line += ": " + t.last_error;
  return line;
}

std::string LinkState(const std::string& s, Lang l) {
  if (!Id(l)) return s;
  if (s == "up") return "tersambung";
  if (s == "down") return "terputus";
  if (s == "stopped") return "layanan berhenti";
  return "menyambung";
}

std::string UpstreamLine(const UpstreamView& u, Lang l) {
  std::string line = u.id + ": " + LinkState(u.state, l);
  if (u.active) line += Id(l) ? " (dipakai)" : " (active)";
  if (u.in_flight) {
    line += ", " + std::to_string(u.in_flight) +
            (Id(l)              ? " paket dalam perjalanan"
             : u.in_flight == 1 ? " bundle in flight"
                                : " bundles in flight");
  }
  if (u.last_ack_age_s) {
    line += Id(l) ? ", balasan terakhir " + Ago(*u.last_ack_age_s, l)
                  : ", last ack " + Ago(*u.last_ack_age_s, l);
  }
  return line;
}

void Row(std::string* out, const std::string& label, const std::string& value) {
  std::string padded = label;
  // Labels are ASCII: pad to 15 columns.
  padded.resize(std::max<size_t>(padded.size() + 1, 15), ' ');
  *out += padded + value + "\n";
}

void Rows(std::string* out, const std::string& label, const std::vector<std::string>& values,
          const std::string& empty) {
  if (values.empty()) return Row(out, label, empty);
  for (size_t i = 0; i < values.size(); ++i) Row(out, i ? "" : label, values[i]);
}

}  // namespace

std::string Headline(const StatusView& v, Lang lang) {
  return Id(lang) ? HeadlineId(v) : HeadlineEn(v);
}

std::string RenderStatusText(const StatusView& v, Lang l, bool color) {
  std::string out, head = Headline(v, l);
  if (color) {
    const char* c = v.verdict == Verdict::kAllDelivered || v.verdict == Verdict::kSending ? kGreen
                    : v.verdict == Verdict::kWaitingLink                                  ? kYellow
                                                                                          : kRed;
    head = c + head + kReset;
  }
  out += head + "\n\n";
  bool id = Id(l);
  std::string who = v.node + (v.unit.empty() ? "" : " (" + v.unit + ")");
  Row(&out, id ? (v.role == "gateway" ? "Gateway" : "Node") : "Node",
      id ? who : who + ", " + v.role);
  Row(&out, id ? "Layanan" : "Daemon",
      v.daemon_running ? (id ? "berjalan" : "running") : (id ? "TIDAK berjalan" : "NOT running"));
  Row(&out, id ? "Data" : "Punches",
      id ? Count(v.punches, l) + " tersimpan; " + Count(v.queued, l) + " menunggu dikirim; " +
               Count(v.undelivered, l) + " belum ada tanda terima"
         : Count(v.punches, l) + " stored; " + Count(v.queued, l) + " queued; " +
               Count(v.undelivered, l) + " without receipt");
  if (v.queued) {
    Row(&out, id ? "Data tertua" : "Oldest queued",
        id ? "menunggu sejak " + Ago(v.oldest_queued_age_s, l) : Ago(v.oldest_queued_age_s, l));
  }
  if (v.role != "aggregator") {
    Row(&out, id ? "Tanda terima" : "Last receipt",
        v.last_receipt_age_s ? (id ? "terakhir " : "") + Ago(*v.last_receipt_age_s, l)
                             : (id ? "belum pernah" : "never"));
  }
  if (v.role == "gateway") {
    std::vector<std::string> terms;
    for (const auto& t : v.terminals) terms.push_back(TerminalLine(t, l, color));
    Rows(&out, id ? "Mesin absen" : "Terminals", terms, id ? "tidak ada" : "none");
  }
  if (v.role != "aggregator") {
    std::vector<std::string> ups;
    for (const auto& u : v.upstreams) ups.push_back(UpstreamLine(u, l));
    Rows(&out, id ? "Jalur" : "Upstreams", ups, id ? "tidak ada" : "none");
  }
  Row(&out, id ? "Penyimpanan" : "Store",
      Mib(v.store_used_bytes, l) + (id ? " dari " : " of ") + Mib(v.store_cap_bytes, l) + " (" +
          std::to_string(StorePct(v)) + "%)");
  return out;
}

}  // namespace titip::cli
