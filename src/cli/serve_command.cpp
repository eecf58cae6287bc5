// tote serve: the live dashboard (and its JSON API) over the warehouse, until Ctrl-C.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "cli/commands.h"
#include "cli/warehouse_session.h"
#include "core/error.h"
#include "core/log.h"
#include "serve/api_server.h"
#include "serve/clickhouse_http_endpoint.h"
#include "serve/dashboard_server.h"
#include "serve/dashboard_store.h"
#include "sink/sql_text.h"

namespace tote {

namespace {

std::string first_line(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

}  // namespace

void add_serve_command(CLI::App& app, CliContext& ctx) {
    struct Options {
        int port = 0;
        int poll_ms = 250;
        int sql_port = -1;
        std::string alerts;
        std::string queries;
        ReadLimits sql_limits{60, 1'000'000, uint64_t{1} << 30};
    };
    auto opts = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "serve",
        "Serve the live sportsbook dashboard and its JSON API on 127.0.0.1 until Ctrl-C. When a "
        "tote process (demo, ingest --follow) already serves it, prints that one's link instead.");
    cmd->add_option("--port", opts->port, "Port on 127.0.0.1 (0 = any free port)")
        ->capture_default_str();
    cmd->add_option("--poll-ms", opts->poll_ms,
                    "Read the warehouse's version (its _offsets) every this many milliseconds; one "
                    "statement per period whatever the number of viewers")
        ->capture_default_str();
    cmd->add_option("--sql-port", opts->sql_port,
                    "Also serve ClickHouse's HTTP interface, read-only, on this port of 127.0.0.1 "
                    "(0 = any free port, -1 = none): clickhouse-connect, Grafana, Superset and "
                    "Redash read the warehouse through it; the password is the dashboard's token")
        ->capture_default_str();
    cmd->add_option("--queries", opts->queries,
                    "YAML file of saved queries (e.g. dashboards/queries.yaml): each with "
                    "{name:Type} parameters, run at /api/v1/queries/ID?param_NAME=VALUE as JSON "
                    "or /api/v1/queries/ID.csv as a CSV export (docs/operations.md, \"Saved "
                    "queries\")");
    cmd->add_option("--alerts", opts->alerts,
                    "YAML file of SQL alerts (e.g. dashboards/alerts.yaml): evaluated once per "
                    "warehouse version, shown on the page and at /api/v1/alerts, each change of "
                    "state POSTed to the alert's webhook (docs/operations.md, \"Alerts\")")
        ->check(CLI::ExistingFile);
    cmd->add_option("--sql-max-seconds", opts->sql_limits.max_seconds,
                    "SQL editor and endpoint: a statement running longer is stopped (0 = no limit)")
        ->capture_default_str();
    cmd->add_option("--sql-max-rows", opts->sql_limits.max_rows,
                    "SQL editor and endpoint: a result of more rows is refused (0 = no limit)")
        ->capture_default_str();
    cmd->add_option("--sql-max-bytes", opts->sql_limits.max_bytes,
                    "SQL editor and endpoint: a result of more bytes is refused (0 = no limit)")
        ->capture_default_str();
    cmd->callback([opts, &ctx] {
        // The process that holds the warehouse serves the dashboard itself (it knows each
        // commit as it happens): point at it.
        if (ctx.clickhouse_url.empty() && running_api(ctx) &&
            std::filesystem::exists(ctx.dashboard_url_path())) {
            fmt::print(
                "dashboard: {}\n  (served by the running tote process; a fresh one-time "
                "link is always in {})\n",
                first_line(ctx.dashboard_url_path()), ctx.dashboard_url_path().string());
            return;
        }
        install_stop_handlers();
        // A ClickHouse server, the running process's API (it holds the embedded warehouse but
        // serves no dashboard), or the embedded warehouse opened by this process.
        // A bad alerts file stops here, before anything is opened.
        std::shared_ptr<AlertBook> alerts;
        if (!opts->alerts.empty())
            alerts = std::make_shared<AlertBook>(AlertBook::load(opts->alerts));
        // Without --queries / --alerts, the files applied by `tote dashboards apply`.
        const DashboardStore applied(ctx.dashboards_dir());
        if (opts->queries.empty()) opts->queries = applied.applied("queries.yaml").string();
        if (opts->alerts.empty()) {
            opts->alerts = applied.applied("alerts.yaml").string();
            if (!opts->alerts.empty())
                alerts = std::make_shared<AlertBook>(AlertBook::load(opts->alerts));
        }
        std::shared_ptr<SavedQueryBook> queries;
        if (!opts->queries.empty())
            queries = std::make_shared<SavedQueryBook>(SavedQueryBook::load(opts->queries));
        auto conn = open_for_reading(ctx);
        DashboardServerConfig config;
        config.database = ctx.database;
        config.port = opts->port;
        config.poll_ms = opts->poll_ms;
        config.reconcile_result_path = ctx.reconcile_result_path().string();
        config.token = ApiServer::new_token();
        config.alerts = alerts;
        config.queries = queries;
        // Read again when it changes; without --queries, the applied file, even if it comes
        // only with a later `tote dashboards apply`.
        config.queries_file = opts->queries.empty()
                                  ? (ctx.dashboards_dir() / "queries.yaml").string()
                                  : opts->queries;
        config.dashboards_dir = ctx.dashboards_dir().string();
        config.sql_editor = true;
        const std::string version_sql =
            "SELECT max(next_offset) FROM " + sql_table(ctx.database, "_offsets");
        ClickHouseConnection& c = *conn;
        c.set_read_limits(opts->sql_limits);  // people's statements (SQL editor and endpoint)
        config.poll_version = [&c, version_sql, &ctx]() -> std::optional<int64_t> {
            std::string out;
            try {
                out = c.query_readonly(version_sql, "TabSeparated");
            } catch (const ToteError& e) {
                throw ToteError(e.error_class(),
                                "serve: cannot read the warehouse's version (" + ctx.database +
                                    "._offsets) on " + c.describe() + ": " + e.what() +
                                    "; a warehouse that was never ingested into has none: run "
                                    "`tote demo` or `tote ingest` first");
            }
            auto rows = parse_tsv(out);
            if (rows.empty() || rows[0].empty()) return std::nullopt;
            return std::stoll(rows[0][0]);
        };
        std::filesystem::create_directories(ctx.data_dir);
        const auto url_path = ctx.dashboard_url_path();
        config.on_login_url = [url_path](const std::string& url) {
            write_private_file(url_path, url + "\n");
        };
        const std::string token = config.token;
        DashboardServer server(c, std::move(config));
        const std::string base = server.start();
        write_private_file(ctx.dashboard_token_path(), token + "\n");
        fmt::print(
            "dashboard: {}\n  (one-time link; a fresh one is always in {}; scripts send "
            "Authorization: Bearer <{}>)\n",
            server.login_url(), url_path.string(), ctx.dashboard_token_path().string());
        std::fflush(stdout);
        Log::info("serve", "dashboard on " + base + " over " + c.describe(), {{"url", base}});
        std::unique_ptr<ClickHouseHttpEndpoint> sql;
        if (opts->sql_port >= 0) {
            ClickHouseHttpEndpointConfig sql_config;
            sql_config.database = ctx.database;
            sql_config.token = token;
            sql_config.port = opts->sql_port;
            sql = std::make_unique<ClickHouseHttpEndpoint>(c, sql_config);
            const std::string sql_url = sql->start();
            fmt::print(
                "sql: {} (ClickHouse HTTP interface, read-only; database {}; any user, password "
                "= the token in {})\n",
                sql_url, ctx.database, ctx.dashboard_token_path().string());
            std::fflush(stdout);
        }
        while (!g_stop_requested)
            std::this_thread::sleep_for(std::chrono::milliseconds(200));  // until Ctrl-C
        if (sql) sql->stop();
        server.stop();
        std::error_code ec;
        std::filesystem::remove(url_path, ec);
        std::filesystem::remove(ctx.dashboard_token_path(), ec);
    });
}

}  // namespace tote
