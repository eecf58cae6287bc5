#include "cli/cli_context.h"

#include <csignal>
#include <fstream>

#include "core/error.h"
#include "sink/embedded_clickhouse.h"
#include "sink/http_clickhouse.h"

namespace tote {

std::atomic<bool> g_stop_requested{false};

namespace {
extern "C" void on_stop_signal(int) {
    g_stop_requested.store(true);
}

std::string read_api_url(const CliContext& ctx) {
    std::ifstream in(ctx.api_url_path());
    std::string url;
    std::getline(in, url);
    return url;
}
}  // namespace

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

std::optional<std::string> running_api_url(const CliContext& ctx) {
    std::string url = read_api_url(ctx);
    if (url.empty()) return std::nullopt;
    try {
        HttpClickHouse(url).query("SELECT 1");
        return url;
    } catch (const ToteError&) {
        return std::nullopt;  // a stale api.url from a process that died
    }
}

std::unique_ptr<ClickHouseConnection> open_for_reading(const CliContext& ctx) {
    if (!ctx.clickhouse_url.empty()) return std::make_unique<HttpClickHouse>(ctx.clickhouse_url);
    if (auto url = running_api_url(ctx)) return std::make_unique<HttpClickHouse>(*url);
    return std::make_unique<EmbeddedClickHouse>(ctx.warehouse_dir());
}

std::unique_ptr<ClickHouseConnection> open_for_writing(const CliContext& ctx) {
    if (!ctx.clickhouse_url.empty()) return std::make_unique<HttpClickHouse>(ctx.clickhouse_url);
    return std::make_unique<EmbeddedClickHouse>(ctx.warehouse_dir());
}

}  // namespace tote
