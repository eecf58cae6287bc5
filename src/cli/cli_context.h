#pragma once
// Options every command shares, and where a command's files live under the data folder.
#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "sink/clickhouse_connection.h"

namespace tote {

struct CliContext {
    std::string data_dir = "var/tote";  // --data-dir
    std::string clickhouse_url;         // --clickhouse-url: a ClickHouse server instead of embedded
    std::string database = "tote";      // --database

    std::filesystem::path log_dir() const { return std::filesystem::path(data_dir) / "log"; }
    std::filesystem::path warehouse_dir() const {
        return std::filesystem::path(data_dir) / "warehouse";
    }
    std::filesystem::path ground_truth_path() const {
        return std::filesystem::path(data_dir) / "ground_truth.json";
    }
    // Written by a process that holds the embedded warehouse: the URL of its local API.
    std::filesystem::path api_url_path() const {
        return std::filesystem::path(data_dir) / "api.url";
    }
};

// Set by SIGINT/SIGTERM; long-running commands poll it.
extern std::atomic<bool> g_stop_requested;
void install_stop_handlers();

// The URL of the local API of the tote process holding the warehouse, if one answers.
std::optional<std::string> running_api_url(const CliContext& ctx);

// A connection for reading: --clickhouse-url, else the running tote process's API (if one
// holds the warehouse), else the embedded warehouse opened by this process.
std::unique_ptr<ClickHouseConnection> open_for_reading(const CliContext& ctx);

// A connection that owns the warehouse (ingest, demo): --clickhouse-url, else embedded; fails
// with a clear message when another process holds it.
std::unique_ptr<ClickHouseConnection> open_for_writing(const CliContext& ctx);

}  // namespace tote
