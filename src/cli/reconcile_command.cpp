// tote reconcile: prove the warehouse equals the simulator's OLTP ledger, exactly; then, when
// facts were built, that the KPI tables equal a recomputation from the facts and the OLTP state,
// and that the ETL log found every injected anomaly and flagged nothing clean.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <optional>
#include <set>

#include "core/json_escape.h"

#include "cli/commands.h"
#include "cli/mapping_options.h"
#include "model/mapping_file.h"
#include "oltp/mariadb_connection.h"
#include "oltp/pg_connection.h"
#include "reconcile/fact_reconciler.h"
#include "reconcile/reconciler.h"
#include "reconcile/source_figures.h"
#include "serve/api_client.h"
#include "simulate/ground_truth.h"

namespace tote {

namespace {
ExpectedState expected_from(const GroundTruth& truth) {
    ExpectedState e;
    e.log_offset = truth.log_offset;
    for (const auto& f : truth.ledger)
        e.ledger[LedgerKey{f.day, f.currency, f.type}] =
            LedgerFigures{static_cast<uint64_t>(f.count), f.sum_minor};
    for (const auto& [table, rows] : truth.table_rows)
        e.live_rows[table] = static_cast<uint64_t>(rows);
    return e;
}
// DATA/reconcile-latest.json, for `tote status` and the data-quality page: when, where, the
// verdict, the first differences and the rows per day x currency.
// One row per day x currency of the latest reconciliation, for the data-quality page: the ledger
// rows and net amount (all types, signed minor units) in the source and in the warehouse, and
// the differences that name that day and currency. Cells are text; failing groups first, then
// the newest days, at most 400 rows.
std::vector<std::vector<std::string>> day_currency_rows(
    const std::map<LedgerKey, LedgerFigures>& expected,
    const std::map<LedgerKey, LedgerFigures>& actual, const std::vector<std::string>& differences) {
    struct Group {
        int64_t rows_source = 0, rows_warehouse = 0, net_source = 0, net_warehouse = 0;
        std::vector<std::string> diffs;
    };
    std::map<std::pair<std::string, std::string>, Group> groups;
    for (const auto& [k, f] : expected) {
        auto& g = groups[{k.day, k.currency}];
        g.rows_source += static_cast<int64_t>(f.count);
        g.net_source += f.sum_minor;
    }
    for (const auto& [k, f] : actual) {
        auto& g = groups[{k.day, k.currency}];
        g.rows_warehouse += static_cast<int64_t>(f.count);
        g.net_warehouse += f.sum_minor;
    }
    // A difference names its group as "... YYYY-MM-DD CUR ..." (ledger, cash view, bet view);
    // others (live rows, bets one by one) go to the row of no day.
    for (const auto& d : differences) {
        std::pair<std::string, std::string> key{"", ""};
        for (size_t i = 0; i + 14 <= d.size(); ++i) {
            const bool date = std::isdigit(static_cast<unsigned char>(d[i])) && d[i + 4] == '-' &&
                              d[i + 7] == '-' && d[i + 10] == ' ';
            if (date && std::isupper(static_cast<unsigned char>(d[i + 11])) &&
                std::isupper(static_cast<unsigned char>(d[i + 12])) &&
                std::isupper(static_cast<unsigned char>(d[i + 13]))) {
                key = {d.substr(i, 10), d.substr(i + 11, 3)};
                break;
            }
        }
        groups[key].diffs.push_back(d);
    }
    // Failing groups first, then the newest days; at most kRows (a long history is in the
    // warehouse, not on the page).
    constexpr size_t kRows = 400;
    std::vector<std::pair<const std::pair<std::string, std::string>*, const Group*>> order;
    for (const auto& [k, g] : groups) order.emplace_back(&k, &g);
    std::stable_sort(order.begin(), order.end(), [](const auto& x, const auto& y) {
        const bool fx = !x.second->diffs.empty(), fy = !y.second->diffs.empty();
        if (fx != fy) return fx;
        return x.first->first > y.first->first;
    });
    std::vector<std::vector<std::string>> out;
    for (const auto& [k, g] : order) {
        if (out.size() == kRows) break;
        out.push_back({k->first, k->second, g->diffs.empty() ? "pass" : "fail",
                       fmt::format("{} / {}", g->rows_source, g->rows_warehouse),
                       fmt::format("{} / {}", g->net_source, g->net_warehouse),
                       std::to_string(g->diffs.size()), g->diffs.empty() ? "" : g->diffs.front()});
    }
    return out;
}

void save_latest_result(const CliContext& ctx, int64_t warehouse_offset, int64_t truth_offset,
                        const std::vector<std::string>& differences,
                        const std::vector<std::vector<std::string>>& groups) {
    const auto now = std::chrono::system_clock::now();
    std::string json = "{\"finished_at\":";
    append_json_string(json, fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                                         fmt::gmtime(std::chrono::system_clock::to_time_t(now))));
    json += fmt::format(
        ",\"warehouse_offset\":{},\"truth_offset\":{},\"exact\":{},"
        "\"differences\":{},\"first_differences\":[",
        warehouse_offset, truth_offset, differences.empty() ? "true" : "false", differences.size());
    for (size_t i = 0; i < differences.size() && i < 10; ++i) {
        if (i) json += ',';
        append_json_string(json, differences[i]);
    }
    json += "],\"day_currency\":[";
    for (size_t i = 0; i < groups.size(); ++i) {
        json += i ? ",[" : "[";
        for (size_t j = 0; j < groups[i].size(); ++j) {
            if (j) json += ',';
            append_json_string(json, groups[i][j]);
        }
        json += ']';
    }
    json += "]}\n";
    std::error_code ec;
    auto tmp = ctx.reconcile_result_path();
    tmp += ".tmp";
    {
        std::ofstream out(tmp);
        out << json;
        if (!out) return;  // a read-only data folder: the result is printed anyway
    }
    std::filesystem::rename(tmp, ctx.reconcile_result_path(), ec);
}

}  // namespace

void add_reconcile_command(CLI::App& app, CliContext& ctx) {
    auto truth_path = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand(
        "reconcile",
        "Compare the warehouse with the simulator's ground truth (its OLTP state), as of the "
        "truth's log offset: ledger counts and sums per day x currency x type to the minor unit, "
        "live rows per table, no key landed twice; when facts were built, the KPI tables against a "
        "recomputation from the facts and against the OLTP ledger and bets per day x currency, "
        "and the ETL log against the injected anomalies. With --oltp, the same against the OLTP "
        "database's own figures by SQL, with ledger differences located row by row. Exit 0 "
        "when exact, 1 with a diff otherwise.");
    cmd->add_option("--ground-truth", *truth_path,
                    "Ground truth file (default DATA/ground_truth.json)");
    auto oltp_url = std::make_shared<std::string>();
    cmd->add_option("--oltp", *oltp_url,
                    "Compare with the OLTP database itself (postgresql://USER@HOST:PORT/DATABASE "
                    "or mysql://USER:PASSWORD@HOST:PORT/DATABASE) instead of a ground truth "
                    "file: its ledger, live rows and bet figures at this moment, read through "
                    "the --mapping file of its schema (e.g. mappings/mariadb.yaml, "
                    "mappings/real_debezium.yaml; default: the simulator's schema/oltp.sql), "
                    "against everything the warehouse holds")
        ->excludes(cmd->get_option("--ground-truth"));
    auto mapping_path = std::make_shared<std::string>();
    add_mapping_option(*cmd, *mapping_path);
    auto consumer = std::make_shared<std::string>("ingest");
    cmd->add_option("--consumer", *consumer,
                    "The ingest's resume position to compare (`tote ingest --consumer`; a Kafka "
                    "ingest's default is kafka:<topic>:<partition>)")
        ->capture_default_str();
    auto watermark = std::make_shared<int64_t>(100'000);
    cmd->add_option(
           "--watermark-offsets", *watermark,
           "The ingest's --watermark-offsets: a fact still pending this many records, plus "
           "the 100000 an open transaction may hold the watermark back, behind the "
           "ground truth's offset is a difference (0: not checked)")
        ->capture_default_str();
    cmd->callback([truth_path, oltp_url, mapping_path, watermark, consumer, &ctx] {
        auto path =
            truth_path->empty() ? ctx.ground_truth_path() : std::filesystem::path(*truth_path);
        // A running demo is paused at a transaction boundary for the duration of the check,
        // with its ground truth written for exactly that point and landed in the warehouse.
        std::optional<ApiClient> running;
        if (ctx.clickhouse_url.empty() && truth_path->empty() && oltp_url->empty())
            if (auto api = running_api(ctx)) running.emplace(api->url, api->token);
        struct Resume {
            std::optional<ApiClient>& api;
            bool paused = false;
            ~Resume() {
                if (paused) api->resume();
            }
        } resume{running};
        if (running && running->checkpoint()) resume.paused = true;
        // The mapping names the source's tables and columns (the simulator's by default), for
        // the OLTP side's figures and the warehouse's ledger alike.
        const auto mapping_file = load_mapping_option(*mapping_path);
        const model::BettingMapping mapping =
            (mapping_file ? *mapping_file : model::MappingFile::builtin_simulator()).mapping();
        auto conn = open_for_reading(ctx);
        Reconciler reconciler(*conn, ctx.database, LedgerMapping::of(mapping), *consumer);
        std::optional<PgConnection> pg;
        std::optional<MariaDbConnection> maria;
        std::optional<SourceFigures> source;
        GroundTruth truth;
        std::string truth_name = path.string();
        if (MariaDbConnection::is_url(*oltp_url)) {
            maria.emplace(*oltp_url);
            maria->exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
            source.emplace(mapping, SqlDialect::MariaDB,
                           [&](const std::string& sql) { return maria->query(sql); });
            truth_name = "OLTP database (MariaDB, " + maria->describe() + ")";
        } else if (!oltp_url->empty()) {
            pg.emplace(*oltp_url);
            pg->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            source.emplace(mapping, SqlDialect::PostgreSQL,
                           [&](const std::string& sql) { return pg->query(sql); });
            truth_name = "OLTP database (" + pg->describe() + ")";
        }
        std::vector<std::string> unmapped;
        if (source) {
            // One consistent snapshot of the source for its figures (and for locating rows).
            truth = source->read(reconciler.landed_tables());
            unmapped = source->unmapped();
        } else {
            truth = read_ground_truth(path);
        }
        const ExpectedState expected = expected_from(truth);
        ReconcileReport report = reconciler.run(expected);
        if (truth.log_offset == ExpectedState::kAtWarehouseEnd)
            truth.log_offset = report.warehouse_offset;  // an OLTP run's truth: see the note
        fmt::print("reconcile: warehouse {} at offset {}; ground truth {} at offset {}\n",
                   conn->describe(), report.warehouse_offset, truth_name, truth.log_offset);
        fmt::print("ledger: {} day x currency x type rows checked\n", report.ledger_rows_checked);
        fmt::print("tables: {} tables checked for live rows\n", report.tables_checked);
        for (const auto& n : report.notes) fmt::print("note: {}\n", ctx.complete_hints(n));
        std::vector<std::string> differences = report.differences;
        for (auto& u : unmapped) differences.push_back(std::move(u));
        if (source && !differences.empty()) {
            // Locate each ledger difference row by row (per-entity comparison by key).
            auto actual = reconciler.ledger_as_of(report.warehouse_offset);
            std::set<LedgerKey> keys;
            for (const auto& [k, _] : expected.ledger) keys.insert(k);
            for (const auto& [k, _] : actual) keys.insert(k);
            for (const auto& k : keys) {
                auto e = expected.ledger.count(k) ? expected.ledger.at(k) : LedgerFigures{};
                auto a = actual.count(k) ? actual.at(k) : LedgerFigures{};
                if (e == a) continue;
                for (auto& line : reconciler.locate_ledger_difference(
                         k, report.warehouse_offset,
                         source->ledger_rows(k.day, k.currency, k.type)))
                    differences.push_back(std::move(line));
            }
        }
        for (auto& d : differences) d = ctx.complete_hints(d);

        // Facts and KPIs, only when the landed state is the ground truth's (else the landing
        // difference above already says why nothing can be compared).
        FactReconciler facts(*conn, ctx.database);
        if (report.warehouse_offset != truth.log_offset) {
            fmt::print("facts: not checked (the warehouse is not at the ground truth's offset)\n");
        } else if (std::string why = facts.not_built_reason(); !why.empty()) {
            fmt::print("facts: not built ({})\n", why);
        } else {
            const bool from_database = source.has_value();
            FactReconcileReport fr =
                from_database ? facts.run_figures(truth) : facts.run(truth, *watermark);
            if (from_database)
                fr.notes.push_back(
                    "ETL log: not judged (the OLTP database does not know which rows are "
                    "anomalies; `tote query \"SELECT rule, count() FROM " +
                    ctx.database +
                    ".etl_log FINAL WHERE retracted = 0 GROUP BY rule\"` lists what validation "
                    "found)");
            fmt::print("facts: {} KPI groups checked against a recomputation from the facts\n",
                       fr.kpi_groups_checked);
            fmt::print(
                "facts: {} day x country groups of active players checked against the facts\n",
                fr.active_player_days_checked);
            fmt::print(
                "facts: {} cash-view and {} bet-view day x currency rows checked against "
                "the ground truth\n",
                fr.cash_days_checked, fr.bet_days_checked);
            for (const auto& n : fr.notes) fmt::print("note: {}\n", ctx.complete_hints(n));
            for (const auto& d : fr.differences) differences.push_back(ctx.complete_hints(d));
        }
        if (source && !differences.empty()) {
            // The bets, one by one in the model's terms (what the bet figures add up).
            for (auto& line :
                 reconciler.locate_bets(mapping.bets.table, mapping.bets.id, source->bet_rows()))
                differences.push_back(std::move(line));
        }
        save_latest_result(
            ctx, report.warehouse_offset, truth.log_offset, differences,
            day_currency_rows(expected.ledger, reconciler.ledger_as_of(report.warehouse_offset),
                              differences));
        if (differences.empty()) {
            fmt::print("RECONCILED: exact\n");
            return;
        }
        for (const auto& d : differences) fmt::print("DIFF: {}\n", d);
        fmt::print("MISMATCH: {} differences\n", differences.size());
        throw ReconcileMismatch{};
    });
}

}  // namespace tote
