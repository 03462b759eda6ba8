// titipctl: the admin and operator CLI (SPEC §9). Read-only commands open the store read-only
// with short transactions, so they work while the daemon runs and while it is stopped.
#include <CLI/CLI.hpp>
#include <iostream>

#include "context.h"

int main(int argc, char** argv) {
  using namespace titip::cli;
  CLI::App app{"titipctl: look after a titip node"};
  app.require_subcommand(1);
  Context ctx;
  app.add_option("-c,--config", ctx.config_path, "daemon config (finds state_dir)");
  app.add_option("--state-dir", ctx.state_dir, "store directory (instead of --config)");
  app.add_flag("--json", ctx.json, "machine-readable output");

  std::string file, terminal, utc_offset, date_order = "auto";
  auto* imp = app.add_subcommand(
      "import", "import a USB attlog.dat or GLG_001.TXT/AGL_001.TXT into the gateway's store");
  imp->add_option("file", file, "attlog.dat path")->required();
  imp->add_option("--terminal", terminal, "serial number of the terminal it came from")->required();
  imp->add_option("--utc-offset", utc_offset, "terminal time zone, e.g. +07:00");
  imp->add_option("--date-order", date_order, "GLG/AGL files: auto, mdy or dmy")
      ->check(CLI::IsMember({"auto", "mdy", "dmy"}));

  auto* queue = app.add_subcommand("queue", "queue depth, undelivered punches, links");
  std::string since, until, unit;
  bool csv = false;
  auto* punches = app.add_subcommand("punches", "list stored punches");
  punches->add_option("--since", since, "first device date, YYYY-MM-DD");
  punches->add_option("--until", until, "last device date, YYYY-MM-DD (inclusive)");
  punches->add_option("--unit", unit, "only this unit");
  punches->add_flag("--csv", csv, "CSV instead of JSON lines");
  auto* status = app.add_subcommand("status", "one screen: is everything delivered?");
  auto* mesh = app.add_subcommand("mesh", "aggregator: every node's latest telemetry");
  for (auto* sub : {imp, queue, punches, status, mesh}) {
    sub->add_flag("--json", ctx.json, "machine-readable output");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kUsage;
  }
  if (int rc = ctx.Resolve(); rc != kOk) return rc;
  if (*imp) return CmdImport(ctx, file, terminal, utc_offset, date_order);
  if (*queue) return CmdQueue(ctx);
  if (*punches) return CmdPunches(ctx, since, until, unit, csv);
  if (*status) return CmdStatus(ctx);
  if (*mesh) return CmdMesh(ctx);
  return kUsage;
}
