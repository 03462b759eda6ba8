// titip-termsim: a fingerprint-terminal simulator for demos and tests. Each terminal face is a
// CLI11 subcommand; `attlog` writes a USB export file from the deterministic workload.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "adms_command.h"
#include "soap_command.h"
#include "titip/common/civil_time.h"
#include "titip/tools/attlog_writer.h"
#include "titip/tools/workload.h"
#include "zk_termsim.h"

namespace {

using titip::Status;
using titip::tools::AttlogFileWriter;
using titip::tools::LineEnding;
using titip::tools::Punch;
using titip::tools::WorkloadOptions;

struct AttlogArgs {
  std::string out;
  std::string start;
  bool lf = false;
  WorkloadOptions workload;
};

void AddAttlogOptions(CLI::App* sub, AttlogArgs* a) {
  sub->add_option("--out", a->out, "attlog.dat file to create (truncated if it exists)")
      ->required();
  sub->add_option("--users", a->workload.users, "number of people")
      ->required()
      ->check(CLI::Range(uint32_t{1}, titip::tools::kMaxUsers));
  sub->add_option("--days", a->workload.days, "calendar days; weekends get no punches")
      ->required()
      ->check(CLI::Range(uint32_t{1}, titip::tools::kMaxDays));
  sub->add_option("--start", a->start, "first day, YYYY-MM-DD")->required();
  sub->add_option("--seed", a->workload.seed, "same seed, same file")->required();
  sub->add_option("--first-pin", a->workload.first_pin, "PIN of the first person")
      ->capture_default_str();
  sub->add_option("--device-id", a->workload.device_id, "DeviceID column")->capture_default_str();
  sub->add_flag("--lf", a->lf, "end lines with LF instead of the terminals' CRLF");
  sub->add_option("--clock-drift-s", a->workload.clock_drift_s,
                  "seconds added to every punch time (a terminal clock running off)")
      ->capture_default_str();
}

int RunAttlog(AttlogArgs a) {
  std::optional<int64_t> start = titip::ParseCivilDate(a.start);
  if (!start) {
    std::fprintf(stderr, "titip-termsim: --start must be YYYY-MM-DD in 2000..2099: %s\n",
                 a.start.c_str());
    return 2;
  }
  a.workload.start_day = *start;
  auto writer = AttlogFileWriter::Create(a.out, a.lf ? LineEnding::kLf : LineEnding::kCrlf);
  if (!writer.ok()) {
    std::fprintf(stderr, "titip-termsim: %s\n", writer.status().ToString().c_str());
    return 1;
  }
  Status s = titip::tools::GenerateWorkload(a.workload,
                                            [&](const Punch& p) { return (*writer)->Append(p); });
  Status closed = (*writer)->Close();
  if (s.ok()) s = closed;
  if (!s.ok()) {
    // A half-written export must not be picked up by an importer as if it were complete.
    std::remove(a.out.c_str());
    std::fprintf(stderr, "titip-termsim: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("wrote %llu punches to %s\n", static_cast<unsigned long long>((*writer)->count()),
              a.out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"titip-termsim: fingerprint-terminal simulator for demos and tests"};
  app.require_subcommand(1);
  int rc = 0;

  AttlogArgs attlog;
  CLI::App* attlog_cmd =
      app.add_subcommand("attlog", "write a USB export attlog.dat with a synthetic workload");
  AddAttlogOptions(attlog_cmd, &attlog);
  attlog_cmd->callback([&] { rc = RunAttlog(attlog); });
  titip::tools::AddZkSubcommand(app, &rc);

  titip::tools::RegisterAdmsCommand(app, &rc);
  titip::tools::RegisterSoapCommand(app, &rc);

  CLI11_PARSE(app, argc, argv);
  return rc;
}
