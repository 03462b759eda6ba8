// titipctl: the admin and operator CLI (SPEC §9). Read-only commands open the store read-only
// with short transactions, so they work while the daemon runs and while it is stopped.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cmd_deadline.h"
#include "cmd_recap.h"
#include "context.h"

int main(int argc, char** argv) {
  using namespace titip::cli;
  CLI::App app{"titipctl: look after a titip node"};
  app.require_subcommand(1);
  Context ctx;
  app.add_option("-c,--config", ctx.config_path, "daemon config (finds state_dir)");
  app.add_option("--state-dir", ctx.state_dir, "store directory (instead of --config)");
  app.add_flag("--json", ctx.json, "machine-readable output");

  std::string file, terminal, utc_offset;
  auto* imp = app.add_subcommand("import", "import a USB attlog.dat into the gateway's store");
  imp->add_option("file", file, "attlog.dat path")->required();
  imp->add_option("--terminal", terminal, "serial number of the terminal it came from")->required();
  imp->add_option("--utc-offset", utc_offset, "terminal time zone, e.g. +07:00");

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
  RecapArgs recap_args;
  auto* recap = app.add_subcommand("recap", "aggregator: daily recap or monthly summary");
  recap->add_option("--date", recap_args.date, "day, YYYY-MM-DD");
  recap->add_option("--month", recap_args.month, "month summary, YYYY-MM");
  recap->add_option("--unit", recap_args.unit, "only this unit");
  recap->add_option("--roster", recap_args.roster_file, "roster CSV (default: the config's)");
  recap->add_option("--schedule", recap_args.schedule_file, "schedule TOML (default: config's)");
  recap->add_flag("--csv", recap_args.csv, "CSV (the default without --json)");
  DeadlineArgs deadline_args;
  auto* deadline = app.add_subcommand("deadline", "aggregator: the 3-day upload deadline");
  deadline->add_option("--date", deadline_args.date, "one day, YYYY-MM-DD");
  deadline->add_option("--days", deadline_args.days, "the last N days up to today (7)");
  deadline->add_option("--roster", deadline_args.roster_file, "roster CSV: the units to list");
  for (auto* sub : {imp, queue, punches, status, mesh, recap, deadline}) {
    sub->add_flag("--json", ctx.json, "machine-readable output");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kUsage;
  }
  if (int rc = ctx.Resolve(); rc != kOk) return rc;
  if (*imp) return CmdImport(ctx, file, terminal, utc_offset);
  if (*queue) return CmdQueue(ctx);
  if (*punches) return CmdPunches(ctx, since, until, unit, csv);
  if (*status) return CmdStatus(ctx);
  if (*mesh) return CmdMesh(ctx);
  if (*recap) return CmdRecap(ctx, recap_args);
  if (*deadline) return CmdDeadline(ctx, deadline_args);
  return kUsage;
}
