#include "cli/warehouse_session.h"
#include "core/log.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/json_escape.h"
#include "core/unique_fd.h"
#include "sink/migrator.h"
#include "sink/schema_check.h"

namespace tote {

int64_t now_epoch_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void write_private_file(const std::filesystem::path& path, const std::string& text) {
    auto tmp = path;
    tmp += ".tmp";
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd || ::fchmod(fd.get(), 0600) != 0 ||
        ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        throw ToteError(ErrorClass::Fatal,
                        "cannot write " + tmp.string() + ": " + std::strerror(errno));
    fd.reset();
    std::filesystem::rename(tmp, path);
}

WarehouseSession::WarehouseSession(const CliContext& ctx) : ctx_(ctx) {
    std::filesystem::create_directories(ctx.data_dir);
    conn_ = open_for_writing(ctx);
    // Before the API can answer: the tables exist and are as the migrations declare them.
    Migrator(*conn_, ctx.database).apply();
    if (auto problems = SchemaCheck(*conn_, ctx.database).run(); !problems.empty())
        throw ToteError(ErrorClass::Fatal,
                        SchemaCheck::describe(problems, ctx.database, conn_->describe()));
}

void WarehouseSession::start_api(int port, const std::function<void(ApiServer&)>& configure) {
    const std::string token = ApiServer::new_token();
    api_ = std::make_unique<ApiServer>(
        *conn_, [this] { return status_json(); }, token);
    api_->on_get("/metrics", "text/plain; version=0.0.4; charset=utf-8", [this] {
        IngestMetricsContext ctx;
        {
            std::lock_guard lock(mu_);
            ctx = metrics_;
        }
        ctx.resident_bytes = resident_memory_bytes();
        return ingest_metrics_text(progress(), ctx);
    });
    if (configure) configure(*api_);
    std::string url = api_->start(port);
    {  // The token first, readable by this user only; then the URL that announces the API.
        auto tmp = ctx_.api_token_path();
        tmp += ".tmp";
        UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
        const std::string line = token + "\n";
        if (!fd || ::fchmod(fd.get(), 0600) != 0 ||
            ::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()))
            throw ToteError(ErrorClass::Fatal,
                            "cannot write " + tmp.string() + ": " + std::strerror(errno));
        fd.reset();
        std::filesystem::rename(tmp, ctx_.api_token_path());
    }
    auto tmp = ctx_.api_url_path();
    tmp += ".tmp";
    std::ofstream(tmp) << url << "\n";
    std::filesystem::rename(tmp, ctx_.api_url_path());
    Log::info("tote", fmt::format("warehouse API on {} (tote query/reconcile use it)", url),
              {{"url", url}});
}

std::string WarehouseSession::start_dashboard(int port) {
    DashboardServerConfig config;
    config.database = ctx_.database;
    config.port = port;
    config.reconcile_result_path = ctx_.reconcile_result_path().string();
    config.token = ApiServer::new_token();
    write_private_file(ctx_.dashboard_token_path(), config.token + "\n");
    const auto url_path = ctx_.dashboard_url_path();
    config.on_login_url = [url_path](const std::string& url) {
        write_private_file(url_path, url + "\n");
    };
    dashboard_ = std::make_unique<DashboardServer>(*conn_, std::move(config));
    const IngestProgress p = progress();
    if (p.durable_offset >= 0) dashboard_->versions().publish(p.durable_offset, now_epoch_ms());
    dashboard_->start();
    return dashboard_->login_url();
}

WarehouseSession::~WarehouseSession() {
    if (dashboard_) {
        dashboard_->stop();
        std::error_code ec;
        std::filesystem::remove(ctx_.dashboard_url_path(), ec);
        std::filesystem::remove(ctx_.dashboard_token_path(), ec);
    }
    if (api_) {
        std::error_code ec;
        std::filesystem::remove(ctx_.api_url_path(), ec);
        std::filesystem::remove(ctx_.api_token_path(), ec);
        api_->stop();
    }
}

void WarehouseSession::set_progress(const IngestProgress& p) {
    {
        std::lock_guard lock(mu_);
        progress_ = p;
    }
    // Facts up to durable_offset are committed: a new warehouse version for the dashboard
    // (VersionFeed ignores one it has already).
    if (dashboard_ && p.durable_offset >= 0)
        dashboard_->versions().publish(p.durable_offset, now_epoch_ms());
}

void WarehouseSession::set_consumer(std::string consumer, std::string source) {
    std::lock_guard lock(mu_);
    metrics_.consumer = std::move(consumer);
    metrics_.source = std::move(source);
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
        "\"incomplete_transactions\":{},\"pending_facts\":{},\"replayed_records\":{},"
        "\"phase\":\"{}\",\"log_end_offset\":{},\"state_bets\":{},\"state_wallet_rows\":{},"
        "\"state_dimension_rows\":{},\"state_open_transactions\":{},\"retries\":{},"
        "\"last_retry_error\":{}}}",
        p.next_offset, p.durable_offset, p.records, p.changes, p.dead_letters, p.commits,
        p.last_commit_ts_ms, p.seconds, p.fact_units, p.bet_versions, p.wallet_versions,
        p.violations_logged, p.incomplete_transactions, p.pending_facts, p.replayed_records,
        to_string(p.phase), p.log_end_offset, p.state_bets, p.state_wallet_rows,
        p.state_dimension_rows, p.state_open_transactions, p.retries, [&] {
            std::string quoted;
            append_json_string(quoted, p.last_retry_error);
            return quoted;
        }());
}

}  // namespace tote
