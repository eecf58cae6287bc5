// tote simulate: write a deterministic betting OLTP change stream to the embedded log.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/progress_line.h"
#include "cli/simulator_options.h"
#include "pipeline/simulation_runner.h"

namespace tote {

void add_simulate_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        SimulatorConfig sim;
        SimulationRunnerConfig run;
    };
    auto opts = std::make_shared<Options>();
    opts->run.max_change_events = 100000;
    auto* cmd = app.add_subcommand(
        "simulate",
        "Write a deterministic betting OLTP change stream (Debezium JSON) to the embedded log.\n"
        "Running it again with a larger --max-events continues the same log.");
    add_simulator_options(*cmd, opts->sim);
    cmd->add_option("--max-events", opts->run.max_change_events,
                    "Change events the log should hold in total (0 = until Ctrl-C)")
        ->capture_default_str();
    cmd->add_option("--rate", opts->run.rate,
                    "Change events per wall-clock second (0 = as fast as possible)")
        ->capture_default_str();
    cmd->callback([opts, &ctx] {
        check_or_record_simulator_config(ctx.log_dir(), opts->sim);
        opts->run.log_dir = ctx.log_dir();
        opts->run.ground_truth_path = ctx.ground_truth_path();
        install_stop_handlers();
        ProgressLine line;
        SimulationRunner runner(opts->sim, opts->run);
        auto done = runner.run(g_stop_requested, [&](const SimulationProgress& p) {
            line.update(fmt::format("simulate: {} change events, {} records in the log",
                                    with_commas(p.change_events), with_commas(p.records)));
        });
        line.finish();
        fmt::print("simulated {} change events ({} records) in {:.1f} s; log {}; ground truth {}\n",
                   with_commas(done.change_events), with_commas(done.records), done.seconds,
                   ctx.log_dir().string(), ctx.ground_truth_path().string());
    });
}

}  // namespace tote
