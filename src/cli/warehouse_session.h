#pragma once
// What a command that owns the warehouse holds for its whole run: the connection, the
// migrated schema, the writer and (optionally) the local API that others query through.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "cli/cli_context.h"
#include "pipeline/ingest_pipeline.h"
#include "serve/api_server.h"
#include "sink/warehouse_writer.h"

namespace tote {

class WarehouseSession {
public:
    // Opens the warehouse for writing and applies pending migrations.
    // `consumer` names the resume position kept in the warehouse; `sync_parts`: see
    // WarehouseWriterConfig::sync_parts.
    explicit WarehouseSession(const CliContext& ctx, const std::string& consumer = "ingest",
                              bool sync_parts = true);
    ~WarehouseSession();

    // Serves the local API on 127.0.0.1:port and publishes its URL in DATA/api.url.
    // `configure` may add endpoints before the server starts.
    void start_api(int port, const std::function<void(ApiServer&)>& configure = {});

    ClickHouseConnection& connection() { return *conn_; }
    WarehouseWriter& writer() { return *writer_; }

    // Latest ingest progress, shown by GET /status.
    void set_progress(const IngestProgress& p);
    IngestProgress progress() const;
    std::string status_json() const;

private:
    const CliContext& ctx_;
    std::unique_ptr<ClickHouseConnection> conn_;
    std::unique_ptr<WarehouseWriter> writer_;
    std::unique_ptr<ApiServer> api_;
    mutable std::mutex mu_;
    IngestProgress progress_;
};

}  // namespace tote
