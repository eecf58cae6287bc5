// tote: a real-time data warehouse for sports-betting operators.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "core/error.h"

int main(int argc, char** argv) {
    using namespace tote;
    CliContext ctx;
    CLI::App app{
        "tote: a real-time data warehouse for sports-betting operators.\n"
        "OLTP change stream (Debezium) -> validated, exactly-once ClickHouse tables."};
    app.set_config("--config", "", "Read options from a TOML/INI file (keys as the long flags)");
    app.require_subcommand(1);
    // Global options are accepted before or after the subcommand (`tote report --data-dir X`
    // works as well as `tote --data-dir X report`): subcommands inherit this setting.
    app.fallthrough();
    app.add_option("--data-dir", ctx.data_dir,
                   "Folder holding the embedded log, warehouse and ground truth")
        ->capture_default_str();
    app.add_option("--clickhouse-url", ctx.clickhouse_url,
                   "Use a ClickHouse server over HTTP (e.g. http://127.0.0.1:8123) instead of the "
                   "embedded engine");
    app.add_option("--database", ctx.database, "Warehouse database")->capture_default_str();

    // Every command, registered in one place.
    add_demo_command(app, ctx);
    add_simulate_command(app, ctx);
    add_ingest_command(app, ctx);
    add_query_command(app, ctx);
    add_reconcile_command(app, ctx);
    add_report_command(app, ctx);
    add_status_command(app, ctx);
    add_repair_command(app, ctx);
    add_mapping_command(app, ctx);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const ReconcileMismatch&) {
        return kExitMismatch;
    } catch (const ToteError& e) {
        fmt::print(stderr, "tote: error ({}): {}\n", to_string(e.error_class()),
                   ctx.complete_hints(e.what()));
        return e.retriable() ? kExitRetriable : kExitError;
    } catch (const std::exception& e) {
        fmt::print(stderr, "tote: error: {}\n", ctx.complete_hints(e.what()));
        return kExitError;
    }
    return kExitOk;
}
