// tote query: run SQL on the warehouse (through the running tote process when there is one).
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"

namespace tote {

void add_query_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        std::string sql;
        std::string format = "PrettyCompactMonoBlock";
        bool write = false;
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "query",
        "Run one SQL statement on the warehouse and print the result. Read-only unless --write "
        "(the engine's read-only setting refuses changes).\n"
        "While `tote demo` or `tote ingest --follow` holds the warehouse, the query goes "
        "through that process's local API.");
    cmd->add_option("sql", opts->sql,
                    "The statement, e.g. \"SELECT count() FROM tote.land_bets FINAL\"")
        ->required();
    cmd->add_option("--format", opts->format,
                    "ClickHouse output format (TabSeparated, CSV, JSON, ...)")
        ->capture_default_str();
    cmd->add_flag("--write", opts->write,
                  "Allow statements that change the warehouse (INSERT, ALTER, DROP, ...). tote "
                  "checks its tables at every start; `tote repair` rebuilds derived tables");
    cmd->callback([opts, &ctx] {
        auto conn = open_for_reading(ctx, opts->write);
        std::cout << (opts->write ? conn->query(opts->sql, opts->format)
                                  : conn->query_readonly(opts->sql, opts->format))
                  << std::flush;
    });
}

}  // namespace tote
