#pragma once
// The simulator's flags, shared by `tote simulate` and `tote demo`, and the record of the
// configuration a log was made with (a log can only be continued with the same one).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

#include "simulate/betting_simulator.h"

namespace tote {

void add_simulator_options(CLI::App& cmd, SimulatorConfig& config);

// Writes DIR/simulator.conf on first use; afterwards checks that config matches it and
// throws a Fatal ToteError naming the first difference.
void check_or_record_simulator_config(const std::filesystem::path& log_dir,
                                      const SimulatorConfig& config);

// The configuration as `name=value` lines, the form simulator.conf holds.
std::string describe_simulator_config(const SimulatorConfig& config);

}  // namespace tote
