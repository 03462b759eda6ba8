// `titip-termsim adms ...`: registers the subcommand on the termsim CLI.
#pragma once

#include <CLI/CLI.hpp>

namespace titip::tools {

// Adds the `adms` subcommand; when it runs, its exit code lands in *rc.
void RegisterAdmsCommand(CLI::App& app, int* rc);

}  // namespace titip::tools
