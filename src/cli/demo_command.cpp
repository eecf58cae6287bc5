// tote demo: simulator -> log -> ingest -> embedded warehouse, live, in one process.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/ingest_status_text.h"
#include "cli/mapping_options.h"
#include "cli/progress_line.h"
#include "cli/simulator_options.h"
#include "cli/text_table.h"
#include "cli/warehouse_session.h"
#include "core/log.h"
#include "model/currency.h"
#include "pipeline/ingest_job.h"
#include "pipeline/simulation_runner.h"

namespace tote {

namespace {
// A small live view of what has landed, read from the warehouse like any dashboard would.
// KPIs per currency from the KPI table, exact at any merge state (docs/kpis.md); the query
// returns minor units, shown in major units with the currency code.
constexpr const char* kLiveView =
    "SELECT currency, sum(sign * bets) AS bets, sum(sign * turnover_minor) AS turnover, "
    "sum(sign * ggr_minor) AS ggr_settled, sum(sign * deposits_minor) AS deposits, "
    "sum(sign * withdrawals_minor) AS withdrawals, "
    "sum(sign * open_liability_minor) AS open_liability "
    "FROM tote.kpi_hourly_contrib FINAL GROUP BY currency ORDER BY currency";
std::vector<std::string> split_tabs(std::string_view line) {
    std::vector<std::string> out;
    size_t from = 0;
    for (size_t tab = line.find('\t'); tab != std::string_view::npos; tab = line.find('\t', from)) {
        out.emplace_back(line.substr(from, tab - from));
        from = tab + 1;
    }
    out.emplace_back(line.substr(from));
    return out;
}

int64_t to_int64(const std::string& text) {
    try {
        return std::stoll(text);
    } catch (const std::exception&) {
        return 0;
    }
}

// The live view's TabSeparated rows as a table for people: GHS 1,818,252.74.
std::string render_live_view(const std::string& tsv) {
    TextTable table({"currency", "bets", "turnover", "GGR (settled)", "deposits", "withdrawals",
                     "open liability"},
                    {false, true, true, true, true, true, true});
    size_t from = 0;
    while (from < tsv.size()) {
        size_t end = tsv.find('\n', from);
        if (end == std::string::npos) end = tsv.size();
        auto f = split_tabs(std::string_view(tsv).substr(from, end - from));
        from = end + 1;
        if (f.size() != 7) continue;
        const std::string& cur = f[0];
        auto money = [&](const std::string& v) {
            return model::Currency::format_major(to_int64(v), cur);
        };
        table.add_row({cur,
                       with_commas(static_cast<uint64_t>(std::max<int64_t>(0, to_int64(f[1])))),
                       money(f[2]), money(f[3]), money(f[4]), money(f[5]), money(f[6])});
    }
    if (table.rows() == 0) return "live view: no KPI rows yet\n";
    return "live view (KPI table, money in each wallet currency):\n" + table.render();
}

}  // namespace

void add_demo_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        SimulatorConfig sim;
        SimulationRunnerConfig run;
        IngestConfig ingest;
        FactStageConfig facts;
        std::string mapping;
        int api_port = 0;
        int dashboard_port = 0;
        double duration_s = 0;
        double view_every_s = 5;
        size_t state_memory_mb = kDefaultFactStateMemoryMb;
    };
    auto opts = std::make_shared<Options>();
    opts->run.rate = 20000;
    opts->ingest.follow = true;
    auto* cmd = app.add_subcommand(
        "demo",
        "Run the whole pipeline in one process: simulate a sportsbook, ingest its change stream "
        "into the embedded warehouse and show rows arriving. Ctrl-C stops cleanly; running it "
        "again continues where it stopped.");
    add_simulator_options(*cmd, opts->sim);
    add_mapping_option(*cmd, opts->mapping);
    cmd->add_option("--rate", opts->run.rate, "Simulated change events per second")
        ->capture_default_str();
    cmd->add_option("--max-events", opts->run.max_change_events,
                    "Stop simulating when the log holds this many change events (0 = never)")
        ->capture_default_str();
    cmd->add_option("--state-memory-mb", opts->state_memory_mb,
                    "Memory budget of the fact state, in MiB (as for `tote ingest`; 0: none)")
        ->capture_default_str();
    cmd->add_option("--duration", opts->duration_s, "Stop after this many seconds (0 = Ctrl-C)")
        ->capture_default_str();
    cmd->add_option("--view-every", opts->view_every_s,
                    "Print the live view every this many seconds (0 = never)")
        ->capture_default_str();
    cmd->add_option("--api-port", opts->api_port, "Port of the local API (0 = any free port)")
        ->capture_default_str();
    cmd->add_option("--dashboard-port", opts->dashboard_port,
                    "Port of the live dashboard on 127.0.0.1 (0 = any free port, -1 = none)")
        ->capture_default_str();
    cmd->callback([opts, &ctx] {
        check_or_record_simulator_config(ctx.log_dir(), opts->sim);
        opts->run.log_dir = ctx.log_dir();
        opts->run.ground_truth_path = ctx.ground_truth_path();
        install_stop_handlers();
        const auto mapping = load_mapping_option(opts->mapping);  // a bad file fails here
        WarehouseSession session(ctx);
        check_mapping_before_ingest(mapping ? *mapping : model::MappingFile::builtin_simulator(),
                                    session.connection(), ctx.database);
        if (opts->dashboard_port >= 0) {
            // First thing the user sees: the live dashboard (docs/operations.md).
            fmt::print("dashboard: {}\n  (one-time link; a fresh one is always in {})\n",
                       session.start_dashboard(opts->dashboard_port),
                       ctx.dashboard_url_path().string());
            std::fflush(stdout);
        }
        std::atomic<bool> stop_sim{false}, stop_ingest{false};
        std::atomic<uint64_t> sim_records{0}, sim_events{0};
        std::atomic<bool> sim_done{false}, ingest_failed{false};
        std::exception_ptr sim_error, ingest_error;
        SimulationRunner runner(opts->sim, opts->run);
        // POST /checkpoint: pause the simulator at a transaction boundary (it writes the ground
        // truth there), wait until the warehouse has landed that point, answer its offset; so
        // `tote reconcile` is exact while the demo runs. POST /resume lets it go on.
        session.start_api(opts->api_port, [&](ApiServer& api) {
            api.on_post("/checkpoint", [&]() -> std::pair<int, std::string> {
                auto at = runner.pause(std::chrono::seconds(10));
                const int64_t offset = at ? *at : static_cast<int64_t>(sim_records.load());
                if (!at && !sim_done)
                    return {503, "{\"error\":\"the simulator did not pause; try again\"}"};
                const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
                while (session.progress().durable_offset < offset) {
                    if (ingest_failed || std::chrono::steady_clock::now() > deadline) {
                        runner.resume();
                        return {503, "{\"error\":\"ingest did not reach the checkpoint\"}"};
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // poll progress
                }
                return {200, fmt::format("{{\"log_offset\":{}}}", offset)};
            });
            api.on_post("/resume", [&]() -> std::pair<int, std::string> {
                runner.resume();
                return {200, "{}"};
            });
        });
        std::thread sim_thread([&] {
            try {
                runner.run(stop_sim, [&](const SimulationProgress& p) {
                    sim_records = p.records;
                    sim_events = p.change_events;
                });
            } catch (...) {
                sim_error = std::current_exception();
            }
            sim_done = true;
        });
        // The log folder exists once the runner opened its writer; the reader waits for it.
        while (!std::filesystem::exists(ctx.log_dir() / "records.log") && !sim_done)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        std::thread ingest_thread([&] {
            try {
                IngestJobConfig job_config;
                job_config.source = SourceConfig{SourceKind::FileLog, ctx.log_dir()};
                job_config.writer.database = ctx.database;
                job_config.fact_stage = opts->facts;
                job_config.mapping = mapping;
                job_config.ingest = opts->ingest;
                job_config.checkpoints.dir = ctx.checkpoint_dir(job_config.writer.consumer);
                job_config.fact_stage.builder.memory_budget_bytes = opts->state_memory_mb << 20;
                job_config.cold_state_dir = job_config.checkpoints.dir / "cold";
                job_config.writer.check_schema = false;  // WarehouseSession checked the tables
                IngestJob job(session.connection(), job_config);
                job.run(stop_ingest, [&](const IngestProgress& p) { session.set_progress(p); });
            } catch (...) {
                ingest_error = std::current_exception();
                ingest_failed = true;
                stop_sim = true;
            }
        });

        ProgressLine line;
        const auto started = std::chrono::steady_clock::now();
        auto last_view = started;
        while (!g_stop_requested && !ingest_error && !sim_error) {
            std::this_thread::sleep_for(std::chrono::milliseconds(250));  // refresh period
            const double elapsed =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            IngestProgress p = session.progress();
            const uint64_t landed = static_cast<uint64_t>(p.durable_offset);
            if (p.phase == IngestPhase::Restoring || p.phase == IngestPhase::Starting) {
                line.update(fmt::format("demo {:.0f}s | simulated {} events | ingest: {}", elapsed,
                                        with_commas(sim_events), ingest_status_text(p)));
            } else {
                line.update(fmt::format(
                    "demo {:.0f}s | simulated {} events | ingest: {} | {} dead letters | {} bet "
                    "facts | {} violations",
                    elapsed, with_commas(sim_events), ingest_status_text(p),
                    with_commas(p.dead_letters), with_commas(p.bet_versions),
                    with_commas(p.violations_logged)));
            }
            if (opts->view_every_s > 0 &&
                std::chrono::duration<double>(std::chrono::steady_clock::now() - last_view)
                        .count() >= opts->view_every_s) {
                last_view = std::chrono::steady_clock::now();
                line.finish();
                try {
                    std::cout << render_live_view(
                                     session.connection().query(kLiveView, "TabSeparated"))
                              << std::flush;
                } catch (const std::exception& e) {
                    Log::warn("demo", std::string("live view: ") + e.what());
                }
            }
            if (opts->duration_s > 0 && elapsed >= opts->duration_s) break;
            if (sim_done && landed >= sim_records) break;  // --max-events reached and all landed
        }
        line.finish();
        stop_sim = true;
        sim_thread.join();
        // Let ingest land what the simulator wrote, so a stopped demo is a consistent point
        // (bounded: a stuck ingest does not hold the exit forever).
        const auto drain_until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!ingest_failed &&
               static_cast<uint64_t>(session.progress().durable_offset) < sim_records.load() &&
               std::chrono::steady_clock::now() < drain_until)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll progress
        stop_ingest = true;
        ingest_thread.join();
        if (sim_error) std::rethrow_exception(sim_error);
        if (ingest_error) std::rethrow_exception(ingest_error);
        IngestProgress p = session.progress();
        fmt::print(
            "demo stopped: {} change events simulated, warehouse at offset {} of {}, {} dead "
            "letters.\n"
            "Next:\n"
            "  `{}`  KPIs per day x country\n"
            "  `{}`  prove the warehouse equals the ledger\n"
            "  `{}`  where everything stands\n"
            "Run the demo again to continue.\n",
            with_commas(sim_events), with_commas(static_cast<uint64_t>(p.durable_offset)),
            with_commas(sim_records), with_commas(p.dead_letters), ctx.tote_command("report"),
            ctx.tote_command("reconcile"), ctx.tote_command("status"));
    });
}

}  // namespace tote
