// tote: a real-time data warehouse for sports-betting operators.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "core/error.h"
#include "core/log.h"

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
    // Applied as each option is parsed (its value is stored only after this check runs).
    static std::string log_level = "info", log_format = "text";
    auto set_level = [](const std::string& v) { Log::configure(log_level = v, log_format); };
    auto set_format = [](const std::string& v) { Log::configure(log_level, log_format = v); };
    app.add_option("--log-level", log_level,
                   "Log lines on stderr from this level up: error, warn, "
                   "info, debug")
        ->check(CLI::IsMember({"error", "warn", "info", "debug"}))
        ->each(set_level)
        ->trigger_on_parse()  // before any command runs
        ->capture_default_str();
    app.add_option("--log-format", log_format,
                   "Log lines on stderr as text (for people) or json (one object per line)")
        ->check(CLI::IsMember({"text", "json"}))
        ->each(set_format)
        ->trigger_on_parse()  // before any command runs
        ->capture_default_str();
    app.add_option("--clickhouse-compression", ctx.clickhouse_compression,
                   "Compress inserts to a ClickHouse server: gzip, none, or auto (gzip unless the "
                   "server is on loopback)")
        ->check(CLI::IsMember({"auto", "gzip", "none"}))
        ->capture_default_str();

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
    add_serve_command(app, ctx);
    add_dashboards_command(app, ctx);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const ReconcileMismatch&) {
        return kExitMismatch;
    } catch (const ToteError& e) {
        const std::string what = ctx.complete_hints(e.what());
        Log::error("tote", fmt::format("error ({}): {}", to_string(e.error_class()), what),
                   {{"class", to_string(e.error_class())}});
        return e.retriable() ? kExitRetriable : kExitError;
    } catch (const std::exception& e) {
        Log::error("tote", "error: " + ctx.complete_hints(e.what()));
        return kExitError;
    }
    return kExitOk;
}
