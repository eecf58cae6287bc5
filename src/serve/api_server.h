#pragma once
// The local HTTP API of a tote process that holds the embedded warehouse. It speaks the subset
// of ClickHouse's HTTP interface that our clients use (POST / with the statement in the body or
// in `query`, `default_format`), so `tote query`, `tote reconcile` and `tote status` reach the
// warehouse while the process runs. POST /status gives the process's progress as JSON.
//
// Only tote's own commands may use it (docs/operations.md, "The local API"):
// - it binds to 127.0.0.1 only;
// - every request but GET /ping carries the process's token, a random secret written to
//   DATA/api.token (mode 0600, so only the user who runs tote can read it), as ClickHouse's
//   password header (X-ClickHouse-Key), HTTP basic auth or a bearer token (Prometheus'
//   `authorization: credentials_file`); without it: 401;
// - statements and actions are POST only (405 otherwise), so a plain link cannot trigger one;
//   GET serves only the read-only documents registered with on_get (GET /metrics);
// - a request with an Origin header (a web page) other than the API's own origin gets 403;
// - statements run read-only (ClickHouseConnection::query_readonly) unless the request has
//   tote_write=1, which only `tote query --write` sends.
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "sink/clickhouse_connection.h"

namespace tote {

class ApiServer {
public:
    // status() is called for POST /status and must return a JSON object; `token` is the secret
    // every request must carry.
    ApiServer(ClickHouseConnection& conn, std::function<std::string()> status, std::string token);
    ~ApiServer();

    // Adds POST `path` (before start()): the handler returns an HTTP status and a JSON body.
    void on_post(const std::string& path, std::function<std::pair<int, std::string>()> handler);

    // Adds GET `path` (before start()): a read-only document such as Prometheus metrics; the
    // token is required as for every other path.
    void on_get(const std::string& path, std::string content_type,
                std::function<std::string()> document);

    // Starts serving on 127.0.0.1:port (0 = any free port) in a background thread; returns
    // the base URL, e.g. "http://127.0.0.1:40123".
    std::string start(int port);
    void stop();

    // A new random token: 32 hex digits from the system's random source.
    static std::string new_token();

    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tote
