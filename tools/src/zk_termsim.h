// `titip-termsim zk`: registers the ZK binary terminal face on the termsim command line.
#pragma once

#include <CLI/CLI.hpp>

namespace titip::tools {

// Adds the `zk` subcommand; when it runs, its exit code lands in *rc.
void AddZkSubcommand(CLI::App& app, int* rc);

}  // namespace titip::tools
