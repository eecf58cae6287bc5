#pragma once
// Each command registers itself on the CLI app here; main() lists them in one place.
#include <CLI/CLI.hpp>

#include "cli/cli_context.h"

namespace tote {

void add_simulate_command(CLI::App& app, CliContext& ctx);
void add_ingest_command(CLI::App& app, CliContext& ctx);
void add_demo_command(CLI::App& app, CliContext& ctx);
void add_query_command(CLI::App& app, CliContext& ctx);
void add_reconcile_command(CLI::App& app, CliContext& ctx);
void add_report_command(CLI::App& app, CliContext& ctx);
void add_repair_command(CLI::App& app, CliContext& ctx);
void add_status_command(CLI::App& app, CliContext& ctx);
void add_mapping_command(CLI::App& app, CliContext& ctx);
void add_serve_command(CLI::App& app, CliContext& ctx);
void add_dashboards_command(CLI::App& app, CliContext& ctx);

// Thrown by `tote reconcile` after it printed the differences; main() exits with kExitMismatch.
struct ReconcileMismatch {};

// Exit codes shared by commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitMismatch = 1;   // reconcile found differences
inline constexpr int kExitError = 2;      // bad usage or a fatal error
inline constexpr int kExitRetriable = 3;  // a retriable error: try again

}  // namespace tote
