// Roster CSV parsing (see roster.h). Line-oriented: a quoted field may hold commas but not a
// newline, so every error can name one line.
#include "titip/aggregator/roster.h"

#include <chrono>

#include "titip/common/civil_time.h"
#include "titip/common/text_file.h"

namespace titip::aggregator {
namespace {

constexpr std::string_view kHeader = "unit_id,terminal_serial,pin,nip,name";
constexpr size_t kMaxRosterBytes = 64u << 20;

// Splits one CSV line. Returns false (with *why) on a stray or unterminated quote.
bool SplitCsv(std::string_view line, std::vector<std::string>* out, std::string* why) {
  out->clear();
  std::string field;
  size_t i = 0;
  for (;;) {
    field.clear();
    if (i < line.size() && line[i] == '"') {
      for (++i;; ++i) {
        if (i >= line.size()) return *why = "unterminated quoted field", false;
        if (line[i] != '"') {
          field += line[i];
        } else if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          ++i;
          break;
        }
      }
      if (i < line.size() && line[i] != ',') return *why = "text after a closing quote", false;
    } else {
      while (i < line.size() && line[i] != ',') {
        if (line[i] == '"') return *why = "quote inside an unquoted field", false;
        field += line[i++];
      }
    }
    out->push_back(field);
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

bool Printable(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

bool NoControl(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

int Num(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// The first problem of a row, or nullopt.
std::optional<std::string> CheckEntry(const RosterEntry& e) {
  if (!ValidNodeId(e.unit_id)) return "unit_id '" + e.unit_id + "' is not [a-z0-9-]{1,32}";
  if (!Printable(e.terminal_serial, 64)) {
    return "terminal_serial must be 1..64 printable characters without spaces";
  }
  if (!Printable(e.pin, 32)) return "pin must be 1..32 printable characters without spaces";
  if (auto why = CheckNip(e.nip)) return "nip '" + e.nip + "': " + *why;
  if (e.name.empty() || e.name.size() > 200 || !NoControl(e.name)) {
    return std::string("name must be 1..200 bytes without control characters");
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> CheckNip(std::string_view nip) {
  if (nip.size() != 18)
    return "must be 18 digits, has " + std::to_string(nip.size()) + " characters";
  for (char c : nip) {
    if (c < '0' || c > '9') return std::string("must be digits only");
  }
  using namespace std::chrono;
  int by = Num(nip.substr(0, 4)), bm = Num(nip.substr(4, 2)), bd = Num(nip.substr(6, 2));
  year_month_day birth{year{by}, month{static_cast<unsigned>(bm)}, day{static_cast<unsigned>(bd)}};
  if (by < 1930 || by > 2015 || !birth.ok()) return std::string("digits 1-8 are not a birth date");
  int ay = Num(nip.substr(8, 4)), am = Num(nip.substr(12, 2));
  if (ay < 1950 || ay > 2099 || am < 1 || am > 12 || ay < by + 15) {
    return std::string("digits 9-14 are not an appointment year and month");
  }
  if (nip[14] != '1' && nip[14] != '2') return std::string("digit 15 (sex) must be 1 or 2");
  return std::nullopt;
}

const RosterEntry* Roster::Find(std::string_view terminal, std::string_view pin) const {
  auto it = by_key_.find(std::pair<std::string, std::string>(terminal, pin));
  return it == by_key_.end() ? nullptr : &entries_[it->second];
}

std::optional<std::string> Roster::UnitOfTerminal(std::string_view terminal) const {
  auto it = terminal_unit_.find(terminal);
  if (it == terminal_unit_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Roster::Units() const {
  std::map<std::string, bool> seen;
  for (const auto& e : entries_) seen[e.unit_id] = true;
  std::vector<std::string> out;
  for (const auto& [u, unused] : seen) out.push_back(u);
  return out;
}

Result<Roster> ParseRoster(std::string_view text, const std::string& path) {
  Roster r;
  std::map<std::string, size_t> nip_first;  // nip -> entry index
  auto fail = [&](int line, const std::string& m) {
    return Status::Invalid(path + ":" + std::to_string(line) + ": " + m);
  };
  int line_no = 0;
  size_t pos = 0;
  std::vector<std::string> f;
  bool seen_row = false;  // the header may follow comments, never a row
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line_no == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // Excel BOM
    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    if (!seen_row && trimmed == kHeader) continue;
    seen_row = true;
    std::string why;
    if (!SplitCsv(line, &f, &why)) return fail(line_no, why);
    if (f.size() != 5) {
      return fail(line_no, "expected 5 fields (" + std::string(kHeader) + "), got " +
                               std::to_string(f.size()));
    }
    RosterEntry e{Trim(f[0]), Trim(f[1]), Trim(f[2]), Trim(f[3]), Trim(f[4]), line_no};
    if (auto bad = CheckEntry(e)) return fail(line_no, *bad);
    auto key = std::make_pair(e.terminal_serial, e.pin);
    if (auto it = r.by_key_.find(key); it != r.by_key_.end()) {
      return fail(line_no, "pin " + e.pin + " on terminal " + e.terminal_serial +
                               " is already enrolled at line " +
                               std::to_string(r.entries_[it->second].line));
    }
    auto [tu, fresh] = r.terminal_unit_.emplace(e.terminal_serial, e.unit_id);
    if (!fresh && tu->second != e.unit_id) {
      return fail(line_no, "terminal " + e.terminal_serial + " already belongs to unit " +
                               tu->second + ", not " + e.unit_id);
    }
    if (auto it = nip_first.find(e.nip); it != nip_first.end()) {
      const RosterEntry& first = r.entries_[it->second];
      if (first.name != e.name) {
        return fail(line_no, "nip " + e.nip + " is named '" + first.name + "' at line " +
                                 std::to_string(first.line));
      }
    } else {
      nip_first.emplace(e.nip, r.entries_.size());
    }
    r.by_key_.emplace(key, r.entries_.size());
    r.entries_.push_back(std::move(e));
  }
  return r;
}

Result<Roster> LoadRoster(const std::string& path) {
  auto text = ReadTextFile(path, kMaxRosterBytes);
  if (!text.ok()) return text.status();
  return ParseRoster(*text, path);
}

}  // namespace titip::aggregator
