#pragma once
// The dashboard: a web page and a JSON API over the warehouse whose tiles update in every open
// browser when facts commit (server-sent events), each tile computed once per warehouse version
// whatever the number of viewers (docs/operations.md, "The dashboard"; docs/api/openapi.yaml).
//
// Why a server of its own beside ApiServer: the local API refuses web pages (Origin check,
// POST only, token header) and serves tote's commands on a small thread pool; the dashboard
// must serve pages to a browser (GET, a cookie) and holds one worker per open event stream.
// Keeping them apart keeps the API's rules and capacity as they are.
//
// Safety (same spirit as the API):
// - binds to 127.0.0.1 only, and refuses a Host other than 127.0.0.1:PORT / localhost:PORT (so a
//   DNS-rebinding page cannot reach it) and an Origin other than its own;
// - GET only, and every statement is one of the fixed tile queries or data-quality checks
//   (QualityPage: a drill-down's parameters are bound as quoted literals), run read-only
//   (ClickHouseConnection::query_trusted_readonly: the engine's readonly setting); no SQL
//   comes from the request;
// - every path but /ping and /login needs either the session cookie or the dashboard's token
//   (Authorization: Bearer, for scripts; DATA/dashboard.token, mode 0600). A browser gets the
//   cookie from a one-time login link (/login?once=CODE, printed by the command and kept in
//   DATA/dashboard.url, mode 0600): the code works once, sets an HttpOnly SameSite=Strict cookie
//   and redirects to /, and a new link replaces it in DATA/dashboard.url.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "serve/alert_book.h"
#include "serve/saved_query_book.h"
#include "serve/version_feed.h"
#include "sink/clickhouse_connection.h"

namespace tote {

struct DashboardServerConfig {
    std::string database = "tote";
    std::string token;  // accepted as Authorization: Bearer (scripts, benchmarks, tests)
    int port = 0;       // 0 = any free port
    // Called with a fresh, unused one-time login URL when the server starts and each time the
    // previous one was used (the command writes it to DATA/dashboard.url).
    std::function<void(const std::string& login_url)> on_login_url;
    // When set, a thread calls it every poll_ms and publishes what it returns: the version of a
    // warehouse this process does not write itself (`tote serve`). Unset: the owner publishes
    // on versions() as it commits.
    std::function<std::optional<int64_t>()> poll_version;
    int poll_ms = 250;
    // DATA/reconcile-latest.json, shown by the data-quality page ("" = no data folder).
    std::string reconcile_result_path;
    size_t workers = 256;  // HTTP worker threads: each open event stream holds one
    // SQL alerts (`tote serve --alerts FILE`), evaluated once per warehouse version; nullptr =
    // none. Shown at GET /api/v1/alerts and on the page.
    std::shared_ptr<AlertBook> alerts;
    // Saved queries (`tote serve --queries FILE`), run with their parameters at
    // GET /api/v1/queries/{id} (JSON) and /api/v1/queries/{id}.csv (the whole result); nullptr =
    // none. The warehouse's tables and columns are at GET /api/v1/schema.
    std::shared_ptr<SavedQueryBook> queries;
    // The file `queries` was read from ("" = none): read again when it changes (a
    // `tote dashboards apply`), checked at most once a second; a bad new version is logged and
    // the one before kept.
    std::string queries_file;
    // DATA/dashboards (`tote dashboards apply`): its history at GET /api/v1/dashboards/history
    // ("" = none).
    std::string dashboards_dir;
    // The SQL editor (page /sql, GET /api/v1/sql?query=…): people's statements, each through
    // ClickHouseConnection::query_readonly (one reading statement, refused otherwise) under the
    // connection's read limits, answered as JSONCompact. false: 404 saying how to enable it
    // (`tote serve` does; a process that ingests does not, so its queries stay its own).
    // A statement (editor or saved query) sent with ?query_id=ID runs under that id, and
    // GET /api/v1/sql/cancel?query_id=ID stops it (ClickHouseConnection::cancel_query: a
    // server's KILL QUERY); its request then answers 499. Where the connection cannot cancel
    // (the embedded engine), cancel answers 501 with the reason.
    bool sql_editor = false;
};

class DashboardServer {
public:
    DashboardServer(ClickHouseConnection& conn, DashboardServerConfig config);
    ~DashboardServer();

    // Where the committing process publishes each new warehouse version.
    VersionFeed& versions();

    // Serves on 127.0.0.1:port in background threads; returns the base URL
    // (http://127.0.0.1:PORT). Throws ToteError (Fatal) when the port is taken.
    std::string start();
    void stop();

    // The current unused one-time login URL (after start()).
    std::string login_url() const;

    // The Prometheus text of GET /metrics.
    std::string metrics_text() const;

    DashboardServer(const DashboardServer&) = delete;
    DashboardServer& operator=(const DashboardServer&) = delete;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tote
