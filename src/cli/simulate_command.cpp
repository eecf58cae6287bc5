// tote simulate: write a deterministic betting OLTP change stream to the embedded log, or
// (--oltp) commit the same workload into a real PostgreSQL for Debezium to capture.
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "cli/progress_line.h"
#include "cli/simulator_options.h"
#include "core/error.h"
#include "oltp/mariadb_connection.h"
#include "oltp/oltp_simulation.h"
#include "pipeline/simulation_runner.h"

namespace tote {
namespace {

// --continue: the records an earlier run with this --data-dir committed, after checking that
// it used the same simulator flags.
int64_t read_oltp_progress(const OltpSimulationConfig& c) {
    std::ifstream in(c.progress_path);
    if (!in)
        throw ToteError(ErrorClass::Fatal,
                        "--continue: no record of an earlier `tote simulate --oltp` in " +
                            c.progress_path.string() +
                            ": give the --data-dir of the run that filled the database");
    std::istringstream wanted(c.progress_header);
    std::string have, want;
    while (std::getline(wanted, want)) {
        if (!std::getline(in, have) || have != want)
            throw ToteError(ErrorClass::Fatal,
                            "--continue: the earlier run (" + c.progress_path.string() +
                                ") was made with " + (have.empty() ? "other settings" : have) +
                                ", not " + want + ": continue it with the same flags");
    }
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("records=", 0) == 0) {
            try {
                return std::stoll(line.substr(8));
            } catch (const std::exception&) {
                break;
            }
        }
    }
    throw ToteError(ErrorClass::Fatal, "--continue: " + c.progress_path.string() +
                                           " has no records=N line: it is damaged; start again "
                                           "on an empty database");
}

void run_oltp(const SimulatorConfig& sim, OltpSimulationConfig config, CliContext& ctx) {
    config.ground_truth_path = ctx.ground_truth_path();
    install_stop_handlers();
    ProgressLine line;
    OltpSimulation simulation(sim, config);
    auto done = simulation.run(
        g_stop_requested,
        [&](const OltpProgress& p) {
            line.update(fmt::format(
                "simulate --oltp: {} transactions committed ({:.0f}/s), {} change events",
                with_commas(p.transactions),
                p.seconds > 0 ? static_cast<double>(p.transactions) / p.seconds : 0.0,
                with_commas(p.change_events)));
        },
        [](const std::string& note) { fmt::print("{}\n", note); });
    line.finish();
    fmt::print(
        "committed {} initial rows and {} transactions ({} statements, {} change events) into "
        "{} in {:.1f} s: {:.0f} transactions/s, {:.0f} change events/s; ground truth {}\n",
        with_commas(done.initial_rows), with_commas(done.transactions),
        with_commas(done.statements), with_commas(done.change_events),
        MariaDbConnection::is_url(config.url) ? "MariaDB" : "PostgreSQL", done.seconds,
        done.seconds > 0 ? static_cast<double>(done.transactions) / done.seconds : 0.0,
        done.seconds > 0 ? static_cast<double>(done.change_events) / done.seconds : 0.0,
        ctx.ground_truth_path().string());
}

}  // namespace

void add_simulate_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        SimulatorConfig sim;
        SimulationRunnerConfig run;
        OltpSimulationConfig oltp;
        bool resume = false;
    };
    auto opts = std::make_shared<Options>();
    opts->run.max_change_events = 100000;
    auto* cmd = app.add_subcommand(
        "simulate",
        "Write a deterministic betting OLTP change stream (Debezium JSON) to the embedded log.\n"
        "Running it again with a larger --max-events continues the same log.\n"
        "With --oltp URL, commit the same workload into PostgreSQL or MariaDB instead (one "
        "database\n"
        "transaction per OLTP transaction), for Debezium to capture.");
    add_simulator_options(*cmd, opts->sim);
    cmd->add_option("--max-events", opts->run.max_change_events,
                    "Change events the log should hold in total (0 = until Ctrl-C); with --oltp, "
                    "the change events Debezium makes of the committed transactions")
        ->capture_default_str();
    cmd->add_option("--rate", opts->run.rate,
                    "Change events per wall-clock second (0 = as fast as possible)")
        ->capture_default_str();
    auto* oltp = cmd->add_option("--oltp", opts->oltp.url,
                                 "Commit the workload into this PostgreSQL database "
                                 "(postgresql://USER@HOST:PORT/DATABASE) holding schema/oltp.sql, "
                                 "or MariaDB database (mysql://USER:PASSWORD@HOST:PORT/DATABASE) "
                                 "holding schema/oltp_mariadb.sql");
    cmd->add_flag("--create-schema", opts->oltp.create_schema,
                  "With --oltp: create schema/oltp.sql's tables when the database has none")
        ->needs(oltp);
    cmd->add_flag(
           "--no-sync-commit", [opts](int64_t) { opts->oltp.synchronous_commit = false; },
           "With --oltp: commits do not wait for the WAL flush (synchronous_commit=off "
           "for this session): faster on a server with fsync; a server crash may lose "
           "the last transactions")
        ->needs(oltp);
    cmd->add_flag("--continue", opts->resume,
                  "With --oltp: go on in a database an earlier `tote simulate --oltp` with this "
                  "--data-dir and the same simulator flags filled (--max-events stays the total)")
        ->needs(oltp);
    cmd->add_option("--duration", opts->oltp.duration_s,
                    "With --oltp: stop after this many wall-clock seconds (0 = no limit)")
        ->needs(oltp)
        ->capture_default_str();
    cmd->add_option("--connect-url", opts->oltp.connect_url,
                    "With --oltp: Kafka Connect REST URL (http://HOST:PORT); registers the "
                    "Debezium connector with the settings tote needs, or checks an existing one")
        ->needs(oltp);
    cmd->add_option("--connector-name", opts->oltp.connector_name,
                    "With --connect-url: the connector's name (its slot is tote_<name>)")
        ->needs(oltp)
        ->capture_default_str();
    cmd->add_option("--route-topic", opts->oltp.route_topic,
                    "With --connect-url: the one topic Debezium routes every table into, as "
                    "`tote ingest --kafka-topic` reads it (default <topic-prefix>.all; none = "
                    "Debezium's topic per table)")
        ->needs(oltp);
    cmd->callback([opts, &ctx] {
        if (!opts->oltp.url.empty()) {
            OltpSimulationConfig c = opts->oltp;
            if (c.route_topic.empty()) c.route_topic = opts->sim.topic_prefix + ".all";
            if (c.route_topic == "none") c.route_topic.clear();
            c.max_change_events = opts->run.max_change_events;
            c.rate = opts->run.rate;
            c.progress_path = ctx.oltp_progress_path();
            c.progress_header = describe_simulator_config(opts->sim);
            if (opts->resume) c.resume_records = read_oltp_progress(c);
            run_oltp(opts->sim, c, ctx);
            return;
        }
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
