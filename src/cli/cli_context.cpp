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

std::string first_line(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

std::unique_ptr<HttpClickHouse> api_connection(const RunningApi& api, bool write) {
    HttpClickHouseConfig c;
    c.url = api.url;
    c.user = "tote";
    c.password = api.token;
    if (write) c.extra_params = "tote_write=1";
    c.no_cancel_reason =
        "cancel is not available here: this process reads the warehouse through the local API "
        "of the tote process that holds it (" +
        api.url +
        "), which runs statements on the embedded engine; that engine cannot stop a running "
        "statement (docs/operations.md, \"Cancelling a statement\"); --sql-max-seconds still "
        "stops it";
    return std::make_unique<HttpClickHouse>(c);
}
}  // namespace

std::string shell_quote(std::string_view word) {
    const bool plain = !word.empty() && word.find_first_not_of(
                                            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789_-./:=@,+%") == std::string_view::npos;
    if (plain) return std::string(word);
    std::string out = "'";
    for (char c : word) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    out += "'";
    return out;
}

SourceConfig CliContext::source(const std::string& jsonl) const {
    if (jsonl.empty()) return SourceConfig{SourceKind::FileLog, log_dir()};
    return SourceConfig{SourceKind::JsonlFile, jsonl};
}

std::string CliContext::tote_command(std::string_view args) const {
    std::string out = "tote --data-dir ";
    out += shell_quote(std::filesystem::absolute(data_dir).lexically_normal().string());
    if (!clickhouse_url.empty()) out += " --clickhouse-url " + shell_quote(clickhouse_url);
    if (database != "tote") out += " --database " + shell_quote(database);
    if (!clickhouse_url.empty() && clickhouse_compression != "auto")
        out += " --clickhouse-compression " + shell_quote(clickhouse_compression);
    if (!args.empty()) {
        out += ' ';
        out += args;
    }
    return out;
}

std::string CliContext::complete_hints(std::string_view text) const {
    constexpr std::string_view kHint = "`tote ";
    std::string out;
    size_t from = 0;
    for (size_t at = text.find(kHint); at != std::string_view::npos; at = text.find(kHint, from)) {
        out.append(text.substr(from, at - from));
        out += '`';
        const size_t args = at + kHint.size();
        if (text.substr(args).starts_with("--data-dir"))
            out += "tote ";
        else
            out += tote_command("") + " ";
        from = args;
    }
    out.append(text.substr(from));
    return out;
}

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

std::optional<RunningApi> running_api(const CliContext& ctx) {
    RunningApi api{first_line(ctx.api_url_path()), first_line(ctx.api_token_path())};
    if (api.url.empty()) return std::nullopt;
    try {
        api_connection(api, false)->query_readonly("SELECT 1");
        return api;
    } catch (const ToteError&) {
        return std::nullopt;  // a stale api.url from a process that died
    }
}

static std::unique_ptr<HttpClickHouse> server_connection(const CliContext& ctx) {
    HttpClickHouseConfig c;
    c.url = ctx.clickhouse_url;
    c.gzip_inserts = gzip_inserts_for(ctx.clickhouse_compression, ctx.clickhouse_url);
    return std::make_unique<HttpClickHouse>(c);
}

std::unique_ptr<ClickHouseConnection> open_for_reading(const CliContext& ctx, bool write) {
    if (!ctx.clickhouse_url.empty()) return server_connection(ctx);
    if (auto api = running_api(ctx)) return api_connection(*api, write);
    return std::make_unique<EmbeddedClickHouse>(ctx.warehouse_dir());
}

std::unique_ptr<ClickHouseConnection> open_for_writing(const CliContext& ctx) {
    if (!ctx.clickhouse_url.empty()) return server_connection(ctx);
    return std::make_unique<EmbeddedClickHouse>(ctx.warehouse_dir());
}

}  // namespace tote
