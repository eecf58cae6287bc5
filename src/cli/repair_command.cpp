// tote repair: re-create the warehouse's own tables that are missing or damaged, and rebuild
// their rows from the change log (every table here is derived from it; writes are idempotent by
// source position, so rebuilding rewrites exactly the rows that were there).
#include <fmt/format.h>

#include <chrono>

#include "cli/commands.h"
#include "cli/decoder_options.h"
#include "cli/ingest_status_text.h"
#include "cli/mapping_options.h"
#include "cli/progress_line.h"
#include "core/error.h"
#include "pipeline/ingest_job.h"
#include "sink/migrator.h"
#include "sink/schema_check.h"
#include "sink/sql_text.h"
#include "sink/warehouse_writer.h"

namespace tote {

void add_repair_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string consumer;
        std::string jsonl;
        DecoderConfig decoder;
        bool no_facts = false;
        bool rebuild = false;
        std::string mapping;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "repair",
        "Check the warehouse's own tables against its migrations; re-create those that are "
        "missing or damaged (a damaged table is kept, renamed to <table>_damaged_<time>) and "
        "rebuild their rows from the log, up to the position the ingest had committed. Then "
        "run the ingest again to continue. Stop `tote demo` / `tote ingest --follow` first.");
    cmd->add_option("--consumer", opts->consumer,
                    "The ingest's resume position to rebuild up to (default: ingest, or jsonl "
                    "with --jsonl)");
    cmd->add_option("--jsonl", opts->jsonl,
                    "The ingest read this JSON-lines capture instead of the embedded log")
        ->check(CLI::ExistingFile);
    add_decoder_options(*cmd, opts->decoder);
    add_mapping_option(*cmd, opts->mapping);
    cmd->add_flag("--no-facts", opts->no_facts, "The ingest ran with --no-facts");
    cmd->add_flag("--rebuild", opts->rebuild,
                  "Rebuild the rows even when every table matches its migrations");
    cmd->callback([opts, &ctx] {
        install_stop_handlers();
        const auto started = std::chrono::steady_clock::now();
        const std::string consumer =
            !opts->consumer.empty() ? opts->consumer : (opts->jsonl.empty() ? "ingest" : "jsonl");
        auto conn = open_for_writing(ctx);
        Migrator migrator(*conn, ctx.database);
        migrator.apply();
        auto problems = SchemaCheck(*conn, ctx.database).run();
        if (problems.empty() && !opts->rebuild) {
            fmt::print("repair: every table of {} matches its migrations; nothing to repair\n",
                       ctx.database);
            return;
        }
        // Damaged tables are kept for inspection under a new name, never dropped.
        const auto stamp = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
        std::vector<std::string> renamed;
        for (const auto& p : problems) {
            fmt::print("repair: table {}.{} {}\n", ctx.database, p.table, p.what);
            if (p.missing) continue;
            if (std::find(renamed.begin(), renamed.end(), p.table) != renamed.end()) continue;
            const std::string kept = fmt::format("{}_damaged_{}", p.table, stamp);
            conn->query("RENAME TABLE " + sql_table(ctx.database, p.table) + " TO " +
                        sql_table(ctx.database, kept));
            fmt::print("repair: kept the damaged table as {}.{}\n", ctx.database, kept);
            renamed.push_back(p.table);
        }
        migrator.recreate_tables();
        if (auto left = SchemaCheck(*conn, ctx.database).run(); !left.empty())
            throw ToteError(ErrorClass::Fatal,
                            SchemaCheck::describe(left, ctx.database, conn->describe()) +
                                "\n(still wrong after re-creating the tables: the warehouse "
                                "engine refused; see its messages above)");

        std::string again = "repair --rebuild";
        std::string resume_hint = "ingest";
        if (!opts->consumer.empty()) {
            again += " --consumer " + shell_quote(opts->consumer);
            resume_hint += " --consumer " + shell_quote(opts->consumer);
        }
        if (!opts->jsonl.empty()) {
            again += " --jsonl " + shell_quote(opts->jsonl);
            resume_hint += " --jsonl " + shell_quote(opts->jsonl);
        }
        if (opts->no_facts) {
            again += " --no-facts";
            resume_hint += " --no-facts";
        }
        if (!opts->mapping.empty()) {
            again += " --mapping " + shell_quote(opts->mapping);
            resume_hint += " --mapping " + shell_quote(opts->mapping);
        }
        // The position the ingest had committed: rebuild everything before it.
        WarehouseWriterConfig probe_config;
        probe_config.database = ctx.database;
        probe_config.consumer = consumer;
        const int64_t target = WarehouseWriter(*conn, probe_config)
                                   .resume_position()
                                   .value_or(LogPosition{})
                                   .next_offset;
        if (target == 0) {
            fmt::print(
                "repair: tables re-created; consumer '{}' has no committed position, so there are "
                "no rows to rebuild: `{}` lands the log from its start\n",
                consumer, ctx.tote_command(resume_hint));
            return;
        }
        // A consumer of its own, new each time: it starts at offset 0 and writes every row
        // again, exactly as the ingest wrote it (same source positions, same versions).
        IngestJobConfig job_config;
        job_config.source = ctx.source(opts->jsonl);
        job_config.decoder = opts->decoder;
        job_config.writer.database = ctx.database;
        job_config.writer.consumer = fmt::format("repair-{}", stamp);
        job_config.facts = !opts->no_facts;
        job_config.mapping = load_mapping_option(opts->mapping);
        job_config.ingest.stop_at_offset = target;
        job_config.ingest.drain_facts_at_end = false;  // as the ingest left them at its position
        // Rebuilds rows up to the ingest's position, not after it: the provisional ETL log
        // entries of the ingest's last drain stay as they are (its next run settles them).
        job_config.fact_stage.retract_provisional_log = false;
        IngestJob job(*conn, job_config);
        ProgressLine line;
        auto done = job.run(g_stop_requested, [&](const IngestProgress& p) {
            line.update(fmt::format("repair: rebuilding rows: offset {} of {} ({}%)",
                                    with_commas(static_cast<uint64_t>(p.next_offset)),
                                    with_commas(static_cast<uint64_t>(target)),
                                    p.next_offset * 100 / target));
        });
        line.finish();
        if (done.next_offset < target)
            throw ToteError(ErrorClass::Retriable,
                            fmt::format("repair stopped at offset {} of {} (interrupted, or the "
                                        "log ends early): run `{}` again",
                                        done.next_offset, target, ctx.tote_command(again)));
        fmt::print(
            "repair: rebuilt the rows of log offsets 0..{} ({} records, {} dead letters) in "
            "{:.1f} s; run `{}` to continue from there\n",
            with_commas(static_cast<uint64_t>(target)), with_commas(done.records),
            with_commas(done.dead_letters),
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
            ctx.tote_command(resume_hint));
    });
}

}  // namespace tote
