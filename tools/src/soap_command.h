// `titip-termsim soap ...`: registers the subcommand on the termsim CLI.
#pragma once

#include <CLI/CLI.hpp>

namespace titip::tools {

void RegisterSoapCommand(CLI::App& app, int* rc);

}  // namespace titip::tools
