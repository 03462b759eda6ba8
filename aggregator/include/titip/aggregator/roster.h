// The roster (SPEC §7): who punches on which terminal under which PIN. One CSV row per
// enrolment, `unit_id,terminal_serial,pin,nip,name`; a person enrolled on two terminals has two
// rows with the same NIP. The recap uses it to turn (terminal, PIN) into a civil servant; a
// punch it cannot place still appears in the recap, flagged.
//
// Pure: parsing touches no file (LoadRoster reads one), holds no global state; a Roster is
// immutable after parsing and safe to share between threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "titip/common/status.h"

namespace titip::aggregator {

struct RosterEntry {
  std::string unit_id;          // [a-z0-9-]{1,32}, the unit's node-style id (e.g. "setda")
  std::string terminal_serial;  // 1..64 printable ASCII, no spaces
  std::string pin;              // 1..32 printable ASCII, no spaces, as the terminal writes it
  std::string nip;              // 18 digits (see CheckNip)
  std::string name;             // free text, 1..200 bytes, no control characters
  int line = 0;                 // where it came from, for messages
};

class Roster {
 public:
  // The enrolment of `pin` on `terminal`, or null.
  const RosterEntry* Find(std::string_view terminal, std::string_view pin) const;
  // The unit a terminal belongs to (from any row that names it), or nullopt.
  std::optional<std::string> UnitOfTerminal(std::string_view terminal) const;
  const std::vector<RosterEntry>& entries() const { return entries_; }
  // Every unit id named by a row, sorted, once each.
  std::vector<std::string> Units() const;

 private:
  friend Result<Roster> ParseRoster(std::string_view text, const std::string& path);
  std::vector<RosterEntry> entries_;
  std::map<std::pair<std::string, std::string>, size_t, std::less<>> by_key_;
  std::map<std::string, std::string, std::less<>> terminal_unit_;
};

// Parses the CSV. The header line is optional (before the first row); blank lines and lines
// starting with '#' are ignored; fields may be double-quoted ("" escapes a quote), so names
// with commas work. Errors are kInvalidArgument "PATH:LINE: message" for the first bad row:
// wrong field count, bad NIP, a (terminal, PIN) enrolled twice, a terminal named under two
// units, a NIP given two different names.
Result<Roster> ParseRoster(std::string_view text, const std::string& path);
// Reads and parses `path` (at most 64 MiB). kNotFound / kIoError when it cannot be read.
Result<Roster> LoadRoster(const std::string& path);

// An 18-digit NIP (PNS, PP 11/2017): birth date YYYYMMDD, appointment YYYYMM, sex 1|2, a
// 3-digit serial. Checks the digits, the dates (plausible years, real days) and the sex digit.
// Returns what is wrong, or nullopt.
std::optional<std::string> CheckNip(std::string_view nip);

}  // namespace titip::aggregator
