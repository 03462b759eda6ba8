// What every titipctl command needs: where the store is, whose it is, how to print.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "titip/config/config.h"
#include "titip/storage/store.h"

namespace titip::cli {

// sysexits (SPEC §9).
inline constexpr int kOk = 0, kUsage = 64, kDataErr = 65, kNoInput = 66, kUnavailable = 69,
                     kCantCreat = 73, kIoErr = 74, kTempFail = 75, kConfig = 78;

struct Context {
  std::string config_path;
  std::string state_dir;
  bool json = false;
  int64_t now_ms = 0;  // hidden --now (golden tests): wall clock, Unix ms; 0 = the real clock
  std::optional<config::Config> config;  // when --config was given

  // Loads the config (any role) and resolves state_dir. Prints the error and returns the exit
  // code on failure, 0 on success.
  int Resolve();
  // Opens the store read-only (short transactions; works while the daemon is stopped).
  int OpenReadOnly(std::unique_ptr<storage::Store>* out);
  // Opens for writing as the node that owns it (node id from the config or the store itself).
  int OpenWritable(std::unique_ptr<storage::Store>* out);
  std::string RuntimeStatusPath() const;
  int64_t NowMs() const;  // the injected --now, else the system wall clock
};

struct StatusOptions {
  std::string lang;            // "id" | "en" | "" (Indonesian on a gateway, English elsewhere)
  std::string color = "auto";  // auto (on a TTY unless NO_COLOR or TERM=dumb) | always | never
};

int ExitFor(const Status& s);

int CmdImport(Context& ctx, const std::string& file, const std::string& terminal,
              const std::string& utc_offset, const std::string& date_order = "auto");
int CmdQueue(Context& ctx);
int CmdPunches(Context& ctx, const std::string& since, const std::string& until,
               const std::string& unit, bool csv);
int CmdStatus(Context& ctx, const StatusOptions& opt);
// "gateway", "relay" or "aggregator" (as in --role and the systemd unit names).
const char* RoleName(config::Role r);
// `config check FILE [--role R]`: needs no --config/--state-dir.
int CmdConfigCheck(const Context& ctx, const std::string& file, const std::string& role);
// Aggregator: every node's latest telemetry (SPEC §9 `mesh`), a table or one JSON array.
int CmdMesh(Context& ctx);
// SIGHUP to the running daemon: allowlist, and at the aggregator roster and schedule.
int CmdReload(Context& ctx);
// Writes a CURVE keypair (or with `signing` an Ed25519 origin signing key): secret to `out`
// (0600), public to `out`.pub and stdout.
int CmdKeygen(Context& ctx, const std::string& out, bool signing = false);
// Aggregator: punches that failed origin verification, a table or JSON lines.
int CmdQuarantine(Context& ctx);

}  // namespace titip::cli
