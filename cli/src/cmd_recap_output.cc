// Output of `titipctl recap`: JSON lines with the SPEC §9 fields (plus terminal, flag,
// terlambat_kirim, profile, shift, tanggal_pulang) and CSV with the same columns.
#include <nlohmann/json.hpp>

#include "cmd_recap.h"
#include "titip/common/civil_time.h"

namespace titip::cli {
namespace {

using aggregator::MonthRow;
using aggregator::RecapRow;
using nlohmann::json;

std::string Date(int64_t civil) { return FormatCivil(civil).substr(0, 10); }
std::string Hms(int64_t civil) { return FormatCivil(civil).substr(11); }

json TimeOrNull(const std::optional<int64_t>& t) { return t ? json(Hms(*t)) : json(nullptr); }
json TextOrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
json Code(const char* prefix, int tier) {
  return tier ? json(prefix + std::to_string(tier)) : json(nullptr);
}

json DailyJson(const RecapRow& r) {
  json j = {{"date", Date(r.date)},
            {"unit", r.unit},
            {"pin", r.pin},
            {"nip", TextOrNull(r.nip)},
            {"name", TextOrNull(r.name)},
            {"jam_masuk", TimeOrNull(r.masuk)},
            {"jam_pulang", TimeOrNull(r.pulang)},
            {"telat_menit", r.telat_menit},
            {"kode_tl", Code("TL", r.kode_tl)},
            {"psw_menit", r.psw_menit},
            {"kode_psw", Code("PSW", r.kode_psw)},
            {"status", aggregator::DayStatusCode(r.status)},
            {"jumlah_scan", r.jumlah_scan},
            {"terlambat_kirim", r.terlambat_kirim},
            {"terminal", r.terminal},
            {"flag", TextOrNull(aggregator::FlagName(r.flag))},
            {"profile", r.profile}};
  // jam_pulang of a night shift is on the next day; say which.
  j["tanggal_pulang"] = r.pulang ? json(Date(*r.pulang)) : json(nullptr);
  j["shift"] = r.shift ? json(Hms(r.shift->start_s).substr(0, 5) + "-" +
                              Hms(r.shift->end_s % 86400).substr(0, 5))
                       : json(nullptr);
  return j;
}

// RFC 4180: quote when needed, double the quotes.
std::string Csv(const json& v) {
  if (v.is_null()) return "";
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void PrintRows(const std::vector<json>& rows, const std::vector<std::string>& columns, bool as_json,
               std::ostream& out) {
  if (as_json) {
    for (const auto& j : rows) out << j.dump() << "\n";
    return;
  }
  for (size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << columns[i];
  out << "\n";
  for (const auto& j : rows) {
    for (size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << Csv(j[columns[i]]);
    out << "\n";
  }
}

}  // namespace

void PrintDaily(const std::vector<RecapRow>& rows, bool as_json, std::ostream& out) {
  std::vector<json> js;
  for (const auto& r : rows) js.push_back(DailyJson(r));
  PrintRows(js,
            {"date", "unit", "pin", "nip", "name", "jam_masuk", "jam_pulang", "telat_menit",
             "kode_tl", "psw_menit", "kode_psw", "status", "jumlah_scan", "terlambat_kirim",
             "terminal", "flag", "tanggal_pulang", "shift"},
            as_json, out);
}

void PrintMonthly(const std::string& month, const std::vector<MonthRow>& rows, bool as_json,
                  std::ostream& out) {
  std::vector<json> js;
  for (const auto& r : rows) {
    json j = {{"month", month},
              {"unit", r.unit},
              {"pin", r.pin},
              {"nip", TextOrNull(r.nip)},
              {"name", TextOrNull(r.name)},
              {"hari_kerja", r.hari_kerja},
              {"hadir", r.hadir},
              {"tk", r.tk},
              {"terlambat_kirim", r.terlambat_kirim},
              {"terminal", r.terminal},
              {"flag", TextOrNull(aggregator::FlagName(r.flag))}};
    for (int t = 1; t <= 4; ++t) {
      j["tl" + std::to_string(t)] = r.tl[t];
      j["psw" + std::to_string(t)] = r.psw[t];
    }
    js.push_back(std::move(j));
  }
  PrintRows(js,
            {"month", "unit", "pin", "nip", "name", "hari_kerja", "hadir", "tl1", "tl2", "tl3",
             "tl4", "psw1", "psw2", "psw3", "psw4", "tk", "terlambat_kirim", "terminal", "flag"},
            as_json, out);
}

}  // namespace titip::cli
