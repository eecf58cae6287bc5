#pragma once
// Options every command shares, and where a command's files live under the data folder.
#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pipeline/ingest_job.h"
#include "sink/clickhouse_connection.h"

namespace tote {

struct CliContext {
    std::string data_dir = "var/tote";  // --data-dir
    std::string clickhouse_url;         // --clickhouse-url: a ClickHouse server instead of embedded
    std::string database = "tote";      // --database
    // --clickhouse-compression: gzip insert bodies to a server (auto: unless it is on loopback)
    std::string clickhouse_compression = "auto";

    std::filesystem::path log_dir() const { return std::filesystem::path(data_dir) / "log"; }
    std::filesystem::path warehouse_dir() const {
        return std::filesystem::path(data_dir) / "warehouse";
    }
    std::filesystem::path ground_truth_path() const {
        return std::filesystem::path(data_dir) / "ground_truth.json";
    }
    // Written by a process that holds the embedded warehouse: the URL of its local API.
    // How far `tote simulate --oltp` has committed, for --continue.
    std::filesystem::path oltp_progress_path() const {
        return std::filesystem::path(data_dir) / "oltp_simulate.progress";
    }
    std::filesystem::path api_url_path() const {
        return std::filesystem::path(data_dir) / "api.url";
    }
    // The local API's token (mode 0600), beside api.url.
    std::filesystem::path api_token_path() const {
        return std::filesystem::path(data_dir) / "api.token";
    }
    // Written by a process that serves the dashboard: a fresh one-time login link (0600) and
    // the token scripts send as Authorization: Bearer (0600).
    std::filesystem::path dashboard_url_path() const {
        return std::filesystem::path(data_dir) / "dashboard.url";
    }
    std::filesystem::path dashboard_token_path() const {
        return std::filesystem::path(data_dir) / "dashboard.token";
    }
    // Checkpoints of one consumer's fact state in one database (IngestJobConfig::checkpoints).
    std::filesystem::path checkpoint_dir(const std::string& consumer) const {
        return std::filesystem::path(data_dir) / "checkpoints" / (database + "." + consumer);
    }
    // Written by `tote reconcile`: its latest result (shown by `tote status`).
    // Applied dashboards files (`tote dashboards apply`), read by `tote serve`.
    std::filesystem::path dashboards_dir() const {
        return std::filesystem::path(data_dir) / "dashboards";
    }
    std::filesystem::path reconcile_result_path() const {
        return std::filesystem::path(data_dir) / "reconcile-latest.json";
    }

    // Where an ingest reads: the embedded log, or a captured JSON-lines file when `jsonl` is set.
    SourceConfig source(const std::string& jsonl) const;

    // "tote --data-dir '/abs/DATA' [--clickhouse-url U] [--database D] <args>": a command that
    // runs as printed from any folder, for the hints tote prints.
    std::string tote_command(std::string_view args) const;
    // Completes every hint "`tote <args>`" in text with this context's global options (hints
    // written by library code know no data folder), so each runs as printed.
    std::string complete_hints(std::string_view text) const;
};

// Quotes a word for a POSIX shell when it needs it: abc -> abc, a b -> 'a b'.
std::string shell_quote(std::string_view word);

// Set by SIGINT/SIGTERM; long-running commands poll it.
extern std::atomic<bool> g_stop_requested;
void install_stop_handlers();

// The local API of the tote process holding the warehouse, if one answers.
struct RunningApi {
    std::string url;    // http://127.0.0.1:PORT
    std::string token;  // from DATA/api.token
};
std::optional<RunningApi> running_api(const CliContext& ctx);

// A connection for people's queries and tote's reads: --clickhouse-url, else the running tote
// process's API (if one holds the warehouse), else the embedded warehouse opened by this
// process. Through the API, statements run read-only unless `write` (tote query --write).
std::unique_ptr<ClickHouseConnection> open_for_reading(const CliContext& ctx, bool write = false);

// A connection that owns the warehouse (ingest, demo): --clickhouse-url, else embedded; fails
// with a clear message when another process holds it.
std::unique_ptr<ClickHouseConnection> open_for_writing(const CliContext& ctx);

}  // namespace tote
