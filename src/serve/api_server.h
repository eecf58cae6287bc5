#pragma once
// The local HTTP API of a tote process that holds the embedded warehouse. It speaks the subset
// of ClickHouse's HTTP interface that our clients use (GET /ping; GET or POST / with the query
// in `query` or in the body, `default_format`), so `tote query`, `tote reconcile` and any
// ClickHouse HTTP client reach the warehouse while the process runs. GET /status gives the
// process's progress as JSON. Binds to 127.0.0.1 only.
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "sink/clickhouse_connection.h"

namespace tote {

class ApiServer {
public:
    // status() is called for GET /status and must return a JSON object.
    ApiServer(ClickHouseConnection& conn, std::function<std::string()> status);
    ~ApiServer();

    // Adds POST `path` (before start()): the handler returns an HTTP status and a JSON body.
    void on_post(const std::string& path, std::function<std::pair<int, std::string>()> handler);

    // Starts serving on 127.0.0.1:port (0 = any free port) in a background thread; returns
    // the base URL, e.g. "http://127.0.0.1:40123".
    std::string start(int port);
    void stop();

    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tote
