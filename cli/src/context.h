// What every titipctl command needs: where the store is, whose it is, how to print.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "titip/config/config.h"
#include "titip/storage/store.h"

namespace titip::cli {

// sysexits (SPEC §9).
inline constexpr int kOk = 0, kUsage = 64, kDataErr = 65, kNoInput = 66, kUnavailable = 69,
                     kIoErr = 74, kTempFail = 75, kConfig = 78;

struct Context {
  std::string config_path;
  std::string state_dir;
  bool json = false;
  std::optional<config::Config> config;  // when --config was given

  // Loads the config (any role) and resolves state_dir. Prints the error and returns the exit
  // code on failure, 0 on success.
  int Resolve();
  // Opens the store read-only (short transactions; works while the daemon is stopped).
  int OpenReadOnly(std::unique_ptr<storage::Store>* out);
  // Opens for writing as the node that owns it (node id from the config or the store itself).
  int OpenWritable(std::unique_ptr<storage::Store>* out);
  std::string RuntimeStatusPath() const;
};

int ExitFor(const Status& s);

int CmdImport(Context& ctx, const std::string& file, const std::string& terminal,
              const std::string& utc_offset, const std::string& date_order = "auto");
int CmdQueue(Context& ctx);
int CmdPunches(Context& ctx, const std::string& since, const std::string& until,
               const std::string& unit, bool csv);
int CmdStatus(Context& ctx);
// Aggregator: every node's latest telemetry (SPEC §9 `mesh`), a table or one JSON array.
int CmdMesh(Context& ctx);

}  // namespace titip::cli
