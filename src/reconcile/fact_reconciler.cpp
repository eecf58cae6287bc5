#include "reconcile/fact_reconciler.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <tuple>

#include "core/error.h"
#include "simulate/json_text.h"
#include "sink/kpi_queries.h"
#include "sink/sql_text.h"

namespace tote {
namespace {

constexpr size_t kGroupColumns = 6;  // k_hour, country, currency, sport, channel, fact

int64_t to_int(const std::string& cell, const std::string& what) {
    try {
        size_t used = 0;
        int64_t v = std::stoll(cell, &used);
        if (used == cell.size()) return v;
    } catch (const std::exception&) {
    }
    throw ToteError(ErrorClass::Fatal, "fact reconcile: " + what + " returned \"" + cell +
                                           "\" where a number was expected");
}

uint64_t to_uint(const std::string& cell, const std::string& what) {
    try {
        size_t used = 0;
        uint64_t v = std::stoull(cell, &used);
        if (used == cell.size() && !cell.empty() && cell[0] != '-') return v;
    } catch (const std::exception&) {
    }
    throw ToteError(ErrorClass::Fatal, "fact reconcile: " + what + " returned \"" + cell +
                                           "\" where an unsigned number was expected");
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    if (s.empty()) return out;
    size_t start = 0;
    while (true) {
        size_t at = s.find(sep, start);
        out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) break;
        start = at + 1;
        while (start < s.size() && s[start] == ' ') ++start;
    }
    return out;
}

std::string day_text(int64_t epoch_days) {
    std::string s;
    append_date(s, epoch_days);
    return s;
}

// "2026-11-01T13:00Z" from seconds since the epoch (a whole hour).
std::string hour_text(int64_t epoch_s) {
    int64_t days = floor_div(epoch_s, 86400);
    int64_t hour = (epoch_s - days * 86400) / 3600;
    return fmt::format("{}T{:02}:00Z", day_text(days), hour);
}

std::string signed_text(int64_t v) {
    return v > 0 ? "+" + std::to_string(v) : std::to_string(v);
}

// One figure compared: "name: ground truth (source) X, KPI table Y (difference +d)".
std::string figure_diff(const std::string& view, const std::string& day,
                        const std::string& currency, const std::string& name,
                        const std::string& source, int64_t expected, int64_t actual) {
    return fmt::format("{} {} {} {}: ground truth ({}) {}, KPI table {} (difference {})", view, day,
                       currency, name, source, expected, actual, signed_text(actual - expected));
}

using DayCurrency = std::pair<std::string, std::string>;

// The anomaly's entity in the fact tables: ("bet" | "wallet_transaction", id).
bool anomaly_entity(const Anomaly& a, std::string& entity, int64_t& id) {
    size_t colon = a.key.find(':');
    if (colon == std::string::npos) return false;
    try {
        id = std::stoll(a.key.substr(colon + 1));
    } catch (const std::exception&) {
        return false;
    }
    if (a.table == "wallet_transactions")
        entity = "wallet_transaction";
    else if (a.table == "bets" || a.table == "bet_legs")
        entity = "bet";
    else
        return false;
    return true;
}

struct LatestFact {
    uint64_t version = 0;
    std::string status;
    std::string rules;  // comma separated
    bool has_rule(const std::string& rule) const {
        for (const auto& r : split(rules, ','))
            if (r == rule) return true;
        return false;
    }
};

}  // namespace

FactReconciler::FactReconciler(ClickHouseConnection& conn, std::string database)
    : conn_(conn), db_(std::move(database)) {}

const std::map<std::string, std::string>& FactReconciler::rule_of_kind() {
    static const std::map<std::string, std::string> m = {
        {"payout_without_credit", "winning_settlement_has_payout_credit"},
        {"stake_debited_twice", "stake_debit_matches_bet"},
        {"leg_unknown_selection", "leg_selection_known"},
        {"currency_mismatch", "bet_currency_equals_wallet_currency"},
        {"settled_with_open_leg", "settled_bet_has_all_legs_settled"},
        {"bet_on_finished_event", "no_bet_on_finished_event"},
        {"negative_amount", "wallet_amount_sign_matches_type"},
    };
    return m;
}

std::vector<std::vector<std::string>> FactReconciler::rows(const std::string& sql) {
    return parse_tsv(conn_.query(sql));
}

std::string FactReconciler::not_built_reason() {
    auto tables = rows(
        fmt::format("SELECT name FROM system.tables WHERE database = {} AND name IN ('fact_bet', "
                    "'fact_wallet_transaction', 'etl_log', 'kpi_hourly_contrib') ORDER BY name",
                    sql_string(db_)));
    if (tables.size() != 4)
        return fmt::format(
            "database {} has {} of the 4 fact tables (fact_bet, fact_wallet_transaction, etl_log, "
            "kpi_hourly_contrib): run `tote ingest` with migration 2 applied",
            db_, tables.size());
    auto n = rows("SELECT count() FROM " + sql_table(db_, "fact_bet"));
    if (n.empty() || n[0].empty() || to_int(n[0][0], "count of fact_bet") == 0)
        return fmt::format("{}.fact_bet is empty: no facts were built from the landed changes",
                           db_);
    return "";
}

FactReconcileReport FactReconciler::run(const GroundTruth& truth, int64_t watermark_offsets,
                                        int64_t hold_back_offsets) {
    FactReconcileReport report;
    check_kpis_against_facts(report);
    check_active_players(report);
    check_kpis_against_truth(truth, report);
    check_anomalies(truth, report);
    check_stuck_pending(truth.log_offset, watermark_offsets, hold_back_offsets, report);
    return report;
}

FactReconcileReport FactReconciler::run_figures(const GroundTruth& truth) {
    FactReconcileReport report;
    check_kpis_against_facts(report);
    check_active_players(report);
    check_kpis_against_truth(truth, report);
    return report;
}

// Active players (exact distinct) per day x country: the KPI table against the latest facts.
void FactReconciler::check_active_players(FactReconcileReport& report) {
    auto load = [&](const std::string& sql) {
        std::map<std::pair<std::string, std::string>, std::string> out;
        for (auto& row : rows(sql))
            if (row.size() == 3) out[{row[0], row[1]}] = row[2];
        return out;
    };
    auto kpis = load(KpiQueries::active_players_by_day_from_kpis(db_));
    auto facts = load(KpiQueries::active_players_by_day_from_facts(db_));
    std::set<std::pair<std::string, std::string>> keys;
    for (const auto& [k, _] : kpis) keys.insert(k);
    for (const auto& [k, _] : facts) keys.insert(k);
    for (const auto& k : keys) {
        const std::string a = kpis.count(k) ? kpis.at(k) : "0";
        const std::string b = facts.count(k) ? facts.at(k) : "0";
        if (a != b)
            report.differences.push_back(fmt::format(
                "active players day {} (days since 1970-01-01) country={}: KPI table {}, "
                "recomputed from facts {}",
                k.first, k.second, a, b));
    }
    report.active_player_days_checked = keys.size();
}

// A fact may be 'pending' only while the log is within the watermark of its newest input.
void FactReconciler::check_stuck_pending(int64_t log_offset, int64_t watermark_offsets,
                                         int64_t hold_back_offsets, FactReconcileReport& report) {
    if (watermark_offsets <= 0) return;
    const int64_t bound = watermark_offsets + hold_back_offsets;
    const std::pair<const char*, const char*> tables[] = {{"fact_bet", "bet_id"},
                                                          {"fact_wallet_transaction", "id"}};
    for (const auto& [table, key] : tables) {
        for (auto& row : rows(fmt::format(
                 "SELECT {k}, log_offset FROM (SELECT {k}, log_offset, validation FROM {t} "
                 "ORDER BY {k}, _version DESC LIMIT 1 BY {k}) WHERE validation = 'pending' AND "
                 "log_offset + {w} <= {x} ORDER BY {k} LIMIT 20",
                 fmt::arg("k", key), fmt::arg("t", sql_table(db_, table)), fmt::arg("w", bound),
                 fmt::arg("x", log_offset)))) {
            if (row.size() != 2) continue;
            report.differences.push_back(fmt::format(
                "{} {}={}: still 'pending' although the log (offset {}) is {} or more records "
                "past its newest input (offset {}; watermark {} + the longest an open "
                "transaction may hold it back): its verdict should be final",
                table, key, row[0], log_offset, bound, row[1], watermark_offsets));
        }
    }
}

// (a) The KPI table against a full recomputation from the latest facts.
void FactReconciler::check_kpis_against_facts(FactReconcileReport& report) {
    const std::vector<std::string> names = split(KpiQueries::value_columns(), ',');
    using Group = std::array<std::string, kGroupColumns>;
    auto load = [&](const std::string& sql, const char* what) {
        std::map<Group, std::vector<int64_t>> out;
        for (auto& row : rows(sql)) {
            if (row.size() != kGroupColumns + names.size())
                throw ToteError(ErrorClass::Fatal,
                                fmt::format("fact reconcile: {} returned {} columns, expected {}",
                                            what, row.size(), kGroupColumns + names.size()));
            Group g;
            for (size_t i = 0; i < kGroupColumns; ++i) g[i] = row[i];
            auto& v = out[g];
            for (size_t i = 0; i < names.size(); ++i)
                v.push_back(to_int(row[kGroupColumns + i], what));
        }
        return out;
    };
    auto contributions = load(KpiQueries::from_contributions(db_), "the KPI contributions");
    auto recomputed = load(KpiQueries::recomputed_from_facts(db_), "the recomputation from facts");
    auto mismatches = load(KpiQueries::mismatches(db_), "the KPI mismatch query");
    std::set<Group> groups;
    for (const auto& [g, _] : contributions) groups.insert(g);
    for (const auto& [g, _] : recomputed) groups.insert(g);
    report.kpi_groups_checked = groups.size();
    const std::vector<int64_t> zeros(names.size(), 0);
    for (const auto& [g, delta] : mismatches) {
        const auto& c = contributions.count(g) ? contributions.at(g) : zeros;
        const auto& r = recomputed.count(g) ? recomputed.at(g) : zeros;
        std::string values;
        for (size_t i = 0; i < names.size(); ++i) {
            if (delta[i] == 0) continue;
            if (!values.empty()) values += "; ";
            values += fmt::format("{} contributions {}, recomputed from facts {} (difference {})",
                                  names[i], c[i], r[i], signed_text(delta[i]));
        }
        report.differences.push_back(fmt::format(
            "KPI table vs facts: hour {} country={} currency={} sport={} channel={} fact={}: {}",
            hour_text(to_int(g[0], "the KPI mismatch query")), g[1], g[2], g[3], g[4], g[5],
            values));
    }
}

// (b) The KPI table per UTC day x currency against the OLTP state.
void FactReconciler::check_kpis_against_truth(const GroundTruth& truth,
                                              FactReconcileReport& report) {
    // Cash view and bet view figures of the KPI table (docs/kpis.md).
    auto bet = [](const char* v) {
        return fmt::format("sumIf(sign * toInt64({}), fact = 'bet')", v);
    };
    auto cash = [](const char* v) {
        return fmt::format("sumIf(sign * toInt64({}), fact = 'wallet')", v);
    };
    const std::string sql = fmt::format(
        "SELECT toInt64(intDiv(toUInt32(hour), 86400)) AS k_day, currency, {}, {}, {}, {}, {}, "
        "{}, {}, {}, {}, {} FROM {} FINAL GROUP BY k_day, currency ORDER BY k_day, currency",
        cash("deposits_minor"), cash("withdrawals_minor"), cash("turnover_minor"),
        cash("payouts_minor"), bet("bets"), bet("turnover_minor"), bet("open_liability_minor"),
        bet("settled_turnover_minor"), bet("payouts_minor"), bet("ggr_minor"),
        sql_table(db_, "kpi_hourly_contrib"));
    constexpr size_t kFigures = 10;
    std::map<DayCurrency, std::array<int64_t, kFigures>> kpi;
    for (auto& row : rows(sql)) {
        if (row.size() != 2 + kFigures)
            throw ToteError(ErrorClass::Fatal,
                            "fact reconcile: the KPI per day query returned a row of " +
                                std::to_string(row.size()) + " columns");
        auto& v = kpi[{day_text(to_int(row[0], "the KPI per day query")), row[1]}];
        for (size_t i = 0; i < kFigures; ++i) v[i] = to_int(row[2 + i], "the KPI per day query");
    }
    auto kpi_of = [&](const DayCurrency& k, size_t i) -> int64_t {
        auto it = kpi.find(k);
        return it == kpi.end() ? 0 : it->second[i];
    };

    // Cash view: completed ledger rows (deleted rows are not in the ground truth).
    std::map<DayCurrency, std::array<int64_t, 4>>
        ledger;  // deposits, withdrawals, turnover, payouts
    for (const auto& f : truth.ledger_by_status) {
        if (f.status != "completed") continue;
        auto& v = ledger[{f.day, f.currency}];
        if (f.type == "deposit")
            v[0] += f.sum_minor;
        else if (f.type == "withdrawal")
            v[1] -= f.sum_minor;
        else if (f.type == "stake_debit" || f.type == "refund")
            v[2] -= f.sum_minor;
        else if (f.type == "payout_credit" || f.type == "adjustment")
            v[3] += f.sum_minor;
    }
    static constexpr std::array<const char*, 4> kCashNames = {"deposits", "withdrawals",
                                                              "turnover_cash", "payouts_cash"};
    std::set<DayCurrency> cash_keys;
    for (const auto& [k, _] : ledger) cash_keys.insert(k);
    for (const auto& [k, v] : kpi)
        if (v[0] || v[1] || v[2] || v[3]) cash_keys.insert(k);
    for (const auto& k : cash_keys) {
        ++report.cash_days_checked;
        auto it = ledger.find(k);
        for (size_t i = 0; i < kCashNames.size(); ++i) {
            int64_t expected = it == ledger.end() ? 0 : it->second[i];
            int64_t actual = kpi_of(k, i);
            if (expected != actual)
                report.differences.push_back(figure_diff("cash view", k.first, k.second,
                                                         kCashNames[i], "OLTP ledger, completed",
                                                         expected, actual));
        }
    }

    // Bet view.
    if (!truth.has_bet_figures) {
        report.notes.push_back(
            "bet view: not checked against the ground truth (its format has no bet figures; "
            "regenerate it with this `tote simulate`)");
        return;
    }
    std::map<DayCurrency, std::array<int64_t, 3>> placed;
    for (const auto& f : truth.bets_by_placement)
        placed[{f.day, f.currency}] = {f.bets, f.turnover_minor, f.open_liability_minor};
    std::map<DayCurrency, std::array<int64_t, 3>> settled;
    for (const auto& f : truth.bets_by_settlement)
        settled[{f.day, f.currency}] = {f.settled_turnover_minor, f.payouts_minor, f.ggr_minor};
    struct Part {
        const std::map<DayCurrency, std::array<int64_t, 3>>& truth;
        size_t first_kpi;
        std::array<const char*, 3> names;
        const char* source;
    };
    const std::array<Part, 2> parts = {{
        {placed, 4, {"bets", "turnover", "open_liability"}, "OLTP bets, placement day"},
        {settled,
         7,
         {"settled_turnover", "payouts_settled", "ggr_settled"},
         "OLTP bets, settlement day"},
    }};
    for (const auto& part : parts) {
        std::set<DayCurrency> keys;
        for (const auto& [k, _] : part.truth) keys.insert(k);
        for (const auto& [k, v] : kpi)
            if (v[part.first_kpi] || v[part.first_kpi + 1] || v[part.first_kpi + 2]) keys.insert(k);
        for (const auto& k : keys) {
            ++report.bet_days_checked;
            auto it = part.truth.find(k);
            for (size_t i = 0; i < 3; ++i) {
                int64_t expected = it == part.truth.end() ? 0 : it->second[i];
                int64_t actual = kpi_of(k, part.first_kpi + i);
                if (expected != actual)
                    report.differences.push_back(figure_diff("bet view", k.first, k.second,
                                                             part.names[i], part.source, expected,
                                                             actual));
            }
        }
    }
}

// (c) The ETL log and the latest verdicts against the injected anomalies.
void FactReconciler::check_anomalies(const GroundTruth& truth, FactReconcileReport& report) {
    struct Entity {
        const char* table;
        const char* key;
    };
    const std::map<std::string, Entity> entities = {
        {"bet", {"fact_bet", "bet_id"}},
        {"wallet_transaction", {"fact_wallet_transaction", "id"}},
    };
    // Latest version of facts matching `where` (applied to the latest version).
    auto latest = [&](const std::string& entity, const std::string& where) {
        const Entity& e = entities.at(entity);
        std::map<int64_t, LatestFact> out;
        for (auto& row : rows(fmt::format(
                 "SELECT {k}, _version, validation, arrayStringConcat(violated_rules, ',') FROM "
                 "(SELECT {k}, _version, validation, violated_rules FROM {t} ORDER BY {k}, "
                 "_version DESC LIMIT 1 BY {k}) WHERE {w} ORDER BY {k}",
                 fmt::arg("k", e.key), fmt::arg("t", sql_table(db_, e.table)),
                 fmt::arg("w", where)))) {
            if (row.size() != 4)
                throw ToteError(ErrorClass::Fatal, std::string("fact reconcile: the latest ") +
                                                       e.table + " query returned a row of " +
                                                       std::to_string(row.size()) + " columns");
            out[to_int(row[0], e.table)] = LatestFact{to_uint(row[1], e.table), row[2], row[3]};
        }
        return out;
    };
    std::map<std::string, std::map<int64_t, LatestFact>> facts;
    for (const auto& [entity, _] : entities) facts[entity] = latest(entity, "validation != 'ok'");

    // Which anomalies point at which entities; the facts of those not flagged yet.
    std::map<std::string, std::set<int64_t>> anomalous;
    for (const auto& a : truth.anomalies) {
        std::string entity;
        int64_t id = 0;
        if (anomaly_entity(a, entity, id)) anomalous[entity].insert(id);
    }
    for (const auto& [entity, ids] : anomalous) {
        std::string list;
        for (int64_t id : ids)
            if (!facts[entity].count(id)) list += (list.empty() ? "" : ", ") + std::to_string(id);
        if (list.empty()) continue;
        for (auto& [id, f] :
             latest(entity, std::string(entities.at(entity).key) + " IN (" + list + ")"))
            facts[entity][id] = f;
    }

    // Bets whose legs landed as snapshot reads (tote joined a database that held them): the
    // catalogue at their placement is not in the stream, so no_bet_on_finished_event cannot
    // judge them (docs/validation.md).
    std::set<int64_t> read_by_snapshot;
    const bool legs_landed = !rows(fmt::format("SELECT 1 FROM system.columns WHERE database = {} "
                                               "AND table = 'land_bet_legs' AND name = 'bet_id'",
                                               sql_string(db_)))
                                  .empty();
    if (legs_landed && std::any_of(truth.anomalies.begin(), truth.anomalies.end(),
                                   [](const auto& a) { return a.kind == "bet_on_finished_event"; }))
        for (auto& row : rows("SELECT DISTINCT bet_id FROM " + sql_table(db_, "land_bet_legs") +
                              " WHERE _op = 'r'"))
            if (row.size() == 1) read_by_snapshot.insert(to_int(row[0], "land_bet_legs"));

    std::set<std::tuple<std::string, std::string, std::string>> logged;  // entity, key, rule
    for (auto& row :
         rows("SELECT DISTINCT entity, entity_key, rule FROM " + sql_table(db_, "etl_log") +
              " FINAL WHERE retracted = 0 AND entity IN ('bet', 'wallet_transaction')"))
        if (row.size() == 3) logged.emplace(row[0], row[1], row[2]);

    for (const auto& a : truth.anomalies) {
        auto& tally = report.by_kind[a.kind];
        ++tally.injected;
        ++report.anomalies.injected;
        const std::string where = "anomaly " + a.kind + " on " + a.table + " " + a.key;
        auto rule_it = rule_of_kind().find(a.kind);
        std::string entity;
        int64_t id = 0;
        if (rule_it == rule_of_kind().end() || !anomaly_entity(a, entity, id)) {
            ++tally.missed;
            ++report.anomalies.missed;
            report.differences.push_back(where +
                                         ": missed: no validation rule is known for this kind "
                                         "or table (FactReconciler::rule_of_kind)");
            continue;
        }
        const std::string& rule = rule_it->second;
        const char* fact_table = entities.at(entity).table;
        const std::string key = "{\"id\":" + std::to_string(id) + "}";
        const bool is_logged = logged.count({entity, key, rule}) > 0;
        auto f = facts[entity].find(id);
        if (f != facts[entity].end() && f->second.status == "violation" &&
            f->second.has_rule(rule) && is_logged) {
            ++tally.found;
            ++report.anomalies.found;
            continue;
        }
        std::string state =
            f == facts[entity].end()
                ? fmt::format("no {} row for {}", fact_table, key)
                : fmt::format("latest {} version {} of {} is '{}' violating [{}]", fact_table,
                              f->second.version, key, f->second.status, f->second.rules);
        if (f != facts[entity].end() && f->second.status == "pending") {
            ++tally.pending;
            ++report.anomalies.pending;
            // Not decidable yet: a stuck verdict is reported by check_stuck_pending().
            report.notes.push_back(fmt::format(
                "{}: pending (log end within the watermark): expected rule {}; {}; etl_log {} "
                "the rule",
                where, rule, state, is_logged ? "has" : "lacks"));
            continue;
        }
        if (a.kind == "bet_on_finished_event" && entity == "bet" && read_by_snapshot.count(id)) {
            ++tally.not_judged;
            ++report.anomalies.not_judged;
            continue;  // counted in the notes below
        }
        ++tally.missed;
        ++report.anomalies.missed;
        report.differences.push_back(fmt::format(
            "{}: missed: expected rule {} logged in etl_log and the latest version 'violation' "
            "with it; {}; etl_log {} the rule",
            where, rule, state, is_logged ? "has" : "lacks"));
    }

    for (const auto& [entity, by_id] : facts) {
        for (const auto& [id, f] : by_id) {
            if (f.status != "violation" || anomalous[entity].count(id)) continue;
            ++report.false_flags;
            report.differences.push_back(fmt::format(
                "false flag: latest {} version {} of {{\"id\":{}}} is 'violation' violating [{}], "
                "but no anomaly was injected on it",
                entities.at(entity).table, f.version, id, f.rules));
        }
    }

    auto judged = [](const AnomalyTally& t) {
        return t.not_judged == 0
                   ? std::string()
                   : fmt::format(
                         ", {} not judged (bets tote only saw through a snapshot: the "
                         "event's status at their placement is not in the stream)",
                         t.not_judged);
    };
    report.notes.push_back(
        fmt::format("anomalies: {} injected, {} found, {} missed, {} pending{}; {} false flags",
                    report.anomalies.injected, report.anomalies.found, report.anomalies.missed,
                    report.anomalies.pending, judged(report.anomalies), report.false_flags));
    for (const auto& [kind, t] : report.by_kind)
        report.notes.push_back(
            fmt::format("anomalies {}: {} injected, {} found, {} missed, {} pending{}", kind,
                        t.injected, t.found, t.missed, t.pending, judged(t)));
}

}  // namespace tote
