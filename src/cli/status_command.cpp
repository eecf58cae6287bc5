// tote status: where everything stands: the data folder, the log's end, the warehouse's
// position and lag, the running process and its state, dead letters, the ETL log, the tables
// against their migrations, and the latest reconcile.
#include <fmt/format.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "cli/progress_line.h"
#include "core/error.h"
#include "model/currency.h"
#include "serve/api_client.h"
#include "sink/schema_check.h"
#include "sink/sql_text.h"
#include "source/file_log_reader.h"

namespace tote {

namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

uint64_t to_u64(const std::string& s) {
    try {
        return std::stoull(s);
    } catch (const std::exception&) {
        return 0;
    }
}

// doc[key] when it is there and of type T, else `fallback`.
template <typename T>
T field_or(simdjson::dom::element doc, const char* key, T fallback) {
    T value{};
    return doc[key].get(value) == simdjson::SUCCESS ? value : fallback;
}

// The fact-state checkpoints of the default consumer (DATA/checkpoints/<db>.ingest/).
void print_checkpoints(const std::filesystem::path& dir) {
    std::error_code ec;
    uint64_t count = 0, bytes = 0;
    std::string newest;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        if (e.path().extension() != ".ckpt") continue;
        ++count;
        bytes += e.file_size(ec);
        newest = std::max(newest, e.path().filename().string());
    }
    if (count == 0)
        fmt::print("checkpoints: none in {}\n", dir.string());
    else
        fmt::print("checkpoints: {} in {} ({} bytes), newest {}\n", count, dir.string(),
                   with_commas(bytes), newest);
}

// The running process's progress, from its POST /status.
void print_process(const std::optional<RunningApi>& api) {
    if (!api) {
        fmt::print("process:    none holds the warehouse (no demo or ingest --follow running)\n");
        fmt::print(
            "state:      not in memory; the next start restores the newest checkpoint (below) "
            "and replays the log after it, or the whole log without one\n");
        return;
    }
    std::string body = ApiClient(api->url, api->token).status();
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) {
        fmt::print("process:    {} (its status did not parse)\n", api->url);
        return;
    }
    auto num = [&](const char* key) -> uint64_t {
        const int64_t v = field_or<int64_t>(doc, key, 0);
        return v < 0 ? 0 : static_cast<uint64_t>(v);
    };
    const std::string_view phase = field_or<std::string_view>(doc, "phase", "?");
    fmt::print("process:    running, API {} ({})\n", api->url, phase);
    if (const uint64_t retries = num("retries"); retries > 0)
        fmt::print("retries:    {} transient warehouse errors retried (last: {})\n",
                   with_commas(retries), field_or<std::string_view>(doc, "last_retry_error", ""));
    fmt::print(
        "state:      {} bets, {} ledger rows, {} dimension rows, {} open transactions in memory; "
        "{} facts pending their watermark\n",
        with_commas(num("state_bets")), with_commas(num("state_wallet_rows")),
        with_commas(num("state_dimension_rows")), with_commas(num("state_open_transactions")),
        with_commas(num("pending_facts")));
}

}  // namespace

void add_status_command(CLI::App& app, CliContext& ctx) {
    auto* cmd = app.add_subcommand(
        "status",
        "Show where everything stands: data folder, log end, warehouse position and lag, the "
        "running process and its state size, dead letters, ETL-log counts, table checks and the "
        "latest reconcile result. Works while `tote demo` runs (through its API).");
    cmd->callback([&ctx] {
        const auto data = std::filesystem::absolute(ctx.data_dir).lexically_normal();
        fmt::print("data folder: {}\n", data.string());
        const auto api = ctx.clickhouse_url.empty() ? running_api(ctx) : std::nullopt;
        auto conn = open_for_reading(ctx);
        fmt::print(
            "warehouse:  {} (ClickHouse {}), database {}\n", conn->describe(),
            [&] {
                std::string v = conn->query_readonly("SELECT version()");
                while (!v.empty() && v.back() == '\n') v.pop_back();
                return v;
            }(),
            ctx.database);
        const std::string db = sql_identifier(ctx.database);

        // Positions per consumer, and the log's end.
        std::vector<std::vector<std::string>> positions;
        try {
            positions =
                parse_tsv(conn->query_readonly("SELECT consumer, next_offset, byte_position FROM " +
                                               db + "._offsets FINAL ORDER BY consumer"));
        } catch (const ToteError&) {
            fmt::print("position:   none (no _offsets table: nothing ingested yet)\n");
        }
        std::optional<int64_t> log_end;
        if (std::filesystem::exists(ctx.log_dir() / "records.log")) {
            FileLogReader reader(ctx.log_dir());
            for (const auto& row : positions)
                if (row.size() == 3 && row[0] == "ingest") {
                    try {
                        reader.seek(LogPosition{static_cast<int64_t>(to_u64(row[1])),
                                                static_cast<int64_t>(to_u64(row[2]))});
                    } catch (const ToteError&) {
                        reader.seek(LogPosition{});
                    }
                }
            log_end = reader.end_offset();
            fmt::print("log:        {} ends at offset {} ({} bytes)\n", reader.describe(),
                       with_commas(static_cast<uint64_t>(log_end.value_or(0))),
                       with_commas(static_cast<uint64_t>(reader.file_size())));
        } else {
            fmt::print("log:        none in {} (run `{}` or the demo)\n", ctx.log_dir().string(),
                       ctx.tote_command("simulate"));
        }
        for (const auto& row : positions) {
            if (row.size() != 3) continue;
            const uint64_t at = to_u64(row[1]);
            std::string lag;
            if (log_end && row[0] == "ingest")
                lag = fmt::format(", lag {} records",
                                  with_commas(static_cast<uint64_t>(
                                      std::max<int64_t>(*log_end - static_cast<int64_t>(at), 0))));
            fmt::print("position:   consumer '{}' at offset {}{}\n", row[0], with_commas(at), lag);
        }
        print_process(api);
        print_checkpoints(ctx.checkpoint_dir("ingest"));

        // The warehouse's size on disk.
        try {
            auto rows =
                parse_tsv(conn->query_readonly("SELECT count(), sum(bytes_on_disk), sum(rows) FROM "
                                               "system.parts WHERE database = " +
                                               sql_string(ctx.database) + " AND active"));
            if (!rows.empty() && rows[0].size() == 3)
                fmt::print("storage:    {} bytes on disk in {} parts\n",
                           with_commas(to_u64(rows[0][1])), with_commas(to_u64(rows[0][0])));
        } catch (const ToteError&) {
        }

        // Dead letters and the ETL log.
        try {
            auto rows = parse_tsv(conn->query_readonly("SELECT stage, count() FROM " + db +
                                                       "._dead_letters FINAL GROUP BY stage "
                                                       "ORDER BY stage"));
            uint64_t total = 0;
            std::string parts;
            for (const auto& r : rows)
                if (r.size() == 2) {
                    total += to_u64(r[1]);
                    parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ",
                                         with_commas(to_u64(r[1])), r[0]);
                }
            fmt::print("dead letters: {}{}\n", with_commas(total),
                       parts.empty() ? "" : " (" + parts + ")");
        } catch (const ToteError&) {
        }
        try {
            // The entries in force (a retracted one is withdrawn); provisional ones were final
            // only because a finite run reached the end of its input (docs/architecture.md,
            // point 10): the next run over a longer log settles them.
            auto rows = parse_tsv(
                conn->query_readonly("SELECT rule, severity, count(), sum(provisional) FROM " + db +
                                     ".etl_log FINAL WHERE retracted = 0 GROUP BY rule, severity "
                                     "ORDER BY count() DESC, rule"));
            fmt::print("etl log:    {} rules with entries\n", rows.size());
            for (const auto& r : rows)
                if (r.size() == 4)
                    fmt::print("  {:<40} {:<8} {:>12}{}\n", r[0], r[1], with_commas(to_u64(r[2])),
                               to_u64(r[3]) == 0
                                   ? std::string()
                                   : fmt::format(" ({} provisional: found at the end of the "
                                                 "input)",
                                                 with_commas(to_u64(r[3]))));
        } catch (const ToteError&) {
        }

        // The tables against their migrations.
        auto problems = SchemaCheck(*conn, ctx.database).run();
        if (problems.empty()) {
            fmt::print("tables:     every table matches its migrations\n");
        } else {
            fmt::print("tables:     {} problems\n", problems.size());
            for (const auto& p : problems)
                fmt::print("  table {}.{} {}\n", ctx.database, p.table, p.what);
            fmt::print("  repair:   `{}`\n", ctx.tote_command("repair"));
        }

        // The latest reconcile.
        const std::string rec = read_file(ctx.reconcile_result_path());
        simdjson::dom::parser parser;
        simdjson::dom::element doc;
        if (rec.empty() || parser.parse(rec).get(doc) != simdjson::SUCCESS) {
            fmt::print("reconcile:  never run here (`{}`)\n", ctx.tote_command("reconcile"));
        } else {
            const auto at = field_or<std::string_view>(doc, "finished_at", "?");
            const bool exact = field_or<bool>(doc, "exact", false);
            const int64_t diffs = field_or<int64_t>(doc, "differences", 0);
            const int64_t wh = field_or<int64_t>(doc, "warehouse_offset", 0);
            fmt::print("reconcile:  {} at {} (warehouse at offset {}){}\n",
                       exact ? "EXACT" : "MISMATCH", at, with_commas(static_cast<uint64_t>(wh)),
                       exact ? "" : fmt::format(", {} differences", diffs));
        }
    });
}

}  // namespace tote
