#include "cli/warehouse_session.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

namespace tote {

WarehouseSession::WarehouseSession(const CliContext& ctx, const std::string& consumer,
                                   bool sync_parts)
    : ctx_(ctx) {
    std::filesystem::create_directories(ctx.data_dir);
    conn_ = open_for_writing(ctx);  // WarehouseWriter applies pending migrations
    WarehouseWriterConfig wc;
    wc.database = ctx.database;
    wc.consumer = consumer;
    wc.sync_parts = sync_parts;
    writer_ = std::make_unique<WarehouseWriter>(*conn_, wc);
}

void WarehouseSession::start_api(int port, const std::function<void(ApiServer&)>& configure) {
    api_ = std::make_unique<ApiServer>(*conn_, [this] { return status_json(); });
    if (configure) configure(*api_);
    std::string url = api_->start(port);
    auto tmp = ctx_.api_url_path();
    tmp += ".tmp";
    std::ofstream(tmp) << url << "\n";
    std::filesystem::rename(tmp, ctx_.api_url_path());
    fmt::print(stderr, "tote: warehouse API on {} (tote query/reconcile use it)\n", url);
}

WarehouseSession::~WarehouseSession() {
    if (api_) {
        std::error_code ec;
        std::filesystem::remove(ctx_.api_url_path(), ec);
        api_->stop();
    }
}

void WarehouseSession::set_progress(const IngestProgress& p) {
    std::lock_guard lock(mu_);
    progress_ = p;
}

IngestProgress WarehouseSession::progress() const {
    std::lock_guard lock(mu_);
    return progress_;
}

std::string WarehouseSession::status_json() const {
    IngestProgress p = progress();
    return fmt::format(
        "{{\"next_offset\":{},\"durable_offset\":{},\"records\":{},\"changes\":{},\"dead_letters\":"
        "{},\"commits\":{},"
        "\"last_commit_ts_ms\":{},\"seconds\":{:.3f},\"fact_transactions\":{},"
        "\"bet_fact_versions\":{},\"wallet_fact_versions\":{},\"violations_logged\":{},"
        "\"incomplete_transactions\":{},\"pending_facts\":{},\"replayed_records\":{}}}",
        p.next_offset, p.durable_offset, p.records, p.changes, p.dead_letters, p.commits,
        p.last_commit_ts_ms, p.seconds, p.fact_units, p.bet_versions, p.wallet_versions,
        p.violations_logged, p.incomplete_transactions, p.pending_facts, p.replayed_records);
}

}  // namespace tote
