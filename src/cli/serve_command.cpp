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
#include "serve/dashboard_server.h"
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
        auto conn = open_for_reading(ctx);
        DashboardServerConfig config;
        config.database = ctx.database;
        config.port = opts->port;
        config.poll_ms = opts->poll_ms;
        config.reconcile_result_path = ctx.reconcile_result_path().string();
        config.token = ApiServer::new_token();
        const std::string version_sql =
            "SELECT max(next_offset) FROM " + sql_table(ctx.database, "_offsets");
        ClickHouseConnection& c = *conn;
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
        while (!g_stop_requested)
            std::this_thread::sleep_for(std::chrono::milliseconds(200));  // until Ctrl-C
        server.stop();
        std::error_code ec;
        std::filesystem::remove(url_path, ec);
        std::filesystem::remove(ctx.dashboard_token_path(), ec);
    });
}

}  // namespace tote
