#pragma once
// A read-only endpoint that speaks ClickHouse's HTTP interface (GET/POST /?query=…, /ping),
// over the warehouse tote serves, so that the tools people already have (clickhouse-connect,
// which Superset uses; Grafana's and Redash's ClickHouse data sources; curl) can read it, the
// embedded warehouse included (docs/operations.md, "SQL over HTTP").
//
// What it does like ClickHouse: the statement is the `query` parameter followed by the POST
// body; `default_format` (else TabSeparated) or the statement's own FORMAT clause; `database`
// (only the warehouse's database: tables are qualified or resolved in it); credentials as the
// X-ClickHouse-User/X-ClickHouse-Key headers, HTTP basic auth or user/password parameters;
// answers with X-ClickHouse-Format, -Timezone (UTC), -Summary and -Query-Id; an error is HTTP
// 500 (401 for credentials) with X-ClickHouse-Exception-Code and "Code: N. DB::Exception: …".
// Other parameters (settings, session_id, compression requests) are accepted and ignored:
// answers are never compressed, and no setting reaches the engine.
//
// Safety: binds to 127.0.0.1; the password is the dashboard's token (any user name); every
// statement goes through ClickHouseConnection::query_readonly (one statement, a reading AST,
// readonly=2), so nothing can be written, created or set.
#include <memory>
#include <string>

#include "sink/clickhouse_connection.h"

namespace tote {

struct ClickHouseHttpEndpointConfig {
    std::string database = "tote";
    std::string token;  // the password
    int port = 0;       // 0 = any free port
    size_t workers = 16;
};

class ClickHouseHttpEndpoint {
public:
    ClickHouseHttpEndpoint(ClickHouseConnection& conn, ClickHouseHttpEndpointConfig config);
    ~ClickHouseHttpEndpoint();

    // Serves in background threads; returns the base URL. Throws ToteError (Fatal) when the port
    // is taken.
    std::string start();
    void stop();

    ClickHouseHttpEndpoint(const ClickHouseHttpEndpoint&) = delete;
    ClickHouseHttpEndpoint& operator=(const ClickHouseHttpEndpoint&) = delete;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tote
