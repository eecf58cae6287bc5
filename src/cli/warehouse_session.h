#pragma once
// What a command that owns the warehouse holds for its whole run: the connection, the
// migrated and checked schema, and (optionally) the local API that others query through. The
// ingest job (src/pipeline/ingest_job.h) runs on its connection.
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "cli/cli_context.h"
#include "pipeline/ingest_metrics.h"
#include "pipeline/ingest_pipeline.h"
#include "serve/api_server.h"
#include "serve/dashboard_server.h"

namespace tote {

// Writes `text` to `path` readable by this user only (mode 0600), atomically (a temporary file
// renamed over it). Throws ToteError (Fatal) naming the file.
void write_private_file(const std::filesystem::path& path, const std::string& text);
// Wall clock, UTC ms since the epoch.
int64_t now_epoch_ms();

class WarehouseSession {
public:
    // Opens the warehouse for writing, applies pending migrations and checks the tables against
    // them (Fatal, naming each problem and `tote repair`, when one is missing or damaged).
    explicit WarehouseSession(const CliContext& ctx);
    ~WarehouseSession();

    // Serves the local API on 127.0.0.1:port and publishes its URL in DATA/api.url: POST
    // /status, statements, and GET /metrics (the progress in Prometheus' format, labelled with
    // the consumer given to set_consumer). `configure` may add endpoints before it starts.
    void start_api(int port, const std::function<void(ApiServer&)>& configure = {});

    // Serves the dashboard on 127.0.0.1:port (0 = any free port) over this connection and
    // returns its one-time login URL; writes DATA/dashboard.token and DATA/dashboard.url (mode
    // 0600, removed at exit). Each durable commit reported to set_progress is published to
    // the dashboard as a new warehouse version.
    std::string start_dashboard(int port);

    ClickHouseConnection& connection() { return *conn_; }

    // Latest ingest progress, shown by GET /status.
    void set_progress(const IngestProgress& p);
    IngestProgress progress() const;
    std::string status_json() const;
    // The _offsets consumer and the kind of source, for the metrics' labels.
    void set_consumer(std::string consumer, std::string source);

private:
    const CliContext& ctx_;
    std::unique_ptr<ClickHouseConnection> conn_;
    std::unique_ptr<ApiServer> api_;
    std::unique_ptr<DashboardServer> dashboard_;
    mutable std::mutex mu_;
    IngestProgress progress_;
    IngestMetricsContext metrics_{"ingest", "file log", 0};
};

}  // namespace tote
