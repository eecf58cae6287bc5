#include "serve/quality_page.h"

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/json_escape.h"
#include "sink/sql_text.h"

namespace tote {

namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kWeekMs = 7 * 24 * kHourMs;

std::string js(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

int64_t to_int(const std::string& s) {
    int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

std::string hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += kDigits[c >> 4];
        out += kDigits[c & 15];
    }
    return out;
}

// Raw bytes shown safely: null, {"text": escaped} when UTF-8, {"hex": ...} otherwise.
std::string raw_bytes(const std::string& s) {
    if (s == "\\N") return "null";
    if (QualityPage::valid_utf8(s)) return "{\"text\":" + js(s) + "}";
    return "{\"hex\":\"" + hex(s) + "\"}";
}

std::string worst(const std::string& a, const std::string& b) {
    auto rank = [](const std::string& s) {
        return s == "fail" ? 3 : s == "warn" ? 2 : s == "pass" ? 1 : 0;  // n/a lowest
    };
    return rank(a) >= rank(b) ? a : b;
}

std::string rows_json(const std::vector<std::vector<std::string>>& rows) {
    std::string out = "[";
    for (size_t r = 0; r < rows.size(); ++r) {
        out += r ? ",[" : "[";
        for (size_t i = 0; i < rows[r].size(); ++i) out += (i ? "," : "") + rows[r][i];
        out += ']';
    }
    return out + "]";
}

std::string columns_json(const std::vector<std::string>& columns) {
    std::string out = "[";
    for (size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + js(columns[i]);
    return out + "]";
}

}  // namespace

QualityPage::QualityPage(std::string database, TileCache& cache, Runner run,
                         std::string reconcile_result_path)
    : database_(std::move(database)),
      cache_(cache),
      run_(std::move(run)),
      reconcile_path_(std::move(reconcile_result_path)) {}

const std::vector<QualityCheck>& QualityPage::checks() {
    static const std::vector<QualityCheck> kChecks = {
        {"freshness",
         "Freshness per source table",
         "Per land_<table>, over its latest versions (FINAL): live_keys = keys not deleted "
         "(truncate markers not applied); last_commit_ms = the newest OLTP commit time (_ts_ms) "
         "landed, deletes included; last_visible_ms = that of the newest row a reader sees "
         "(_deleted = 0). warn when a table's last commit is more than 24 h behind the newest "
         "commit of any table (quiet reference tables can be normal); never fail. Lag p50/p99 "
         "(OLTP commit -> durable in the warehouse) is not stored in the warehouse: it is the "
         "ingesting process's histogram tote_freshness_seconds on its /metrics.",
         {"source_table", "live_keys", "last_commit_ms", "last_visible_ms", "behind_newest_ms",
          "status"}},
        {"volume",
         "Volume against the same hour a week earlier",
         "From the start of the newest commit's UTC hour to the newest commit, against the same "
         "span 7 days earlier, over latest versions (FINAL): bets placed (fact_bet.placed_at_us), "
         "wallet transactions created (fact_wallet_transaction.created_at_us) and, per "
         "land_<table>, keys whose latest change was committed then (_ts_ms; a key changed again "
         "later counts at its later change). n/a when the week earlier has none (no data that "
         "old); warn when the ratio is below 0.5 or above 2; pass otherwise.",
         {"table", "this_hour", "week_earlier", "status"}},
        {"schema",
         "Schema per source table",
         "Per land_<table>: its columns now (system.columns; source_columns = those not "
         "starting with _, i.e. not tote's own) and the type changes seen (etl_log rule "
         "landing_type_changed in force: a source column's declared type changed; the values "
         "are never coerced). warn when a type change was seen; pass otherwise. Columns added "
         "over time are not recorded apart (a new field is added with ALTER TABLE when it first "
         "arrives).",
         {"source_table", "columns", "source_columns", "type_changes"}},
        {"etl_log",
         "ETL log by rule (entries in force)",
         "etl_log FINAL WHERE retracted = 0, grouped by rule (provisional entries included and "
         "counted). pass when there is none; warn otherwise (each is a change the validation "
         "flagged: its fact is 'violation'); never fail. Click a rule for its entities and "
         "source positions.",
         {"rule", "severities", "entries", "entities", "provisional"}},
        {"dead_letters",
         "Dead letters by stage and reason",
         "_dead_letters FINAL grouped by stage and reason. pass when there is none; fail "
         "otherwise: each is a change that is not in the warehouse. Click a group for its "
         "source positions and raw bytes.",
         {"stage", "reason", "letters", "first_offset", "last_offset"}},
        {"fact_duplicates",
         "Duplicate business keys in the fact tables",
         "Keys with more than one live row after FINAL (fact_bet by bet_id; fact_bet_leg by "
         "bet_id, leg_no and fact_wallet_transaction by id, deleted = 0). Must be 0: fail "
         "otherwise.",
         {"table", "business_key", "duplicate_keys"}},
        {"landing_duplicates",
         "Duplicate keys in the landing tables",
         "Per land_<table>: _key values with more than one live row after FINAL (_deleted = 0). "
         "Must be 0: fail otherwise.",
         {"source_table", "duplicate_keys"}},
        {"reconciliation",
         "Latest reconciliation",
         "The last `tote reconcile` of this data folder (DATA/reconcile-latest.json): pass when "
         "exact, fail otherwise, n/a when none ran (or the warehouse is a server read without a "
         "data folder). One row per day x currency: the ledger's rows and net amount (all "
         "types, signed minor units) in the source and in the warehouse, and the differences "
         "that name the day and currency with the first of them (the row of no day holds the "
         "others: live rows, bets one by one).",
         {"day", "currency", "status", "ledger_rows_source_warehouse", "net_minor_source_warehouse",
          "differences", "first_difference"}},
    };
    return kChecks;
}

std::string QualityPage::table(std::string_view name) const {
    return sql_table(database_, name);
}

std::vector<std::vector<std::string>> QualityPage::rows(const std::string& check,
                                                        const std::string& sql) {
    return parse_tsv(run_(check, sql));
}

std::vector<std::string> QualityPage::landed_tables(int64_t version) {
    const std::string text = cache_.get("quality_tables", "", version, [&] {
        return run_("tables",
                    "SELECT name FROM system.tables WHERE database = " + sql_string(database_) +
                        " AND substring(name, 1, 5) = 'land_' ORDER BY name");
    });
    std::vector<std::string> out;
    for (auto& r : parse_tsv(text))
        if (!r.empty() && r[0].size() > 5 && r[0].rfind("land_", 0) == 0) out.push_back(r[0]);
    return out;
}

std::string QualityPage::over_landed(int64_t version, Result& res,
                                     const std::function<std::string(const std::string&)>& select) {
    const auto tables = landed_tables(version);
    if (tables.empty()) {
        res.status = "n/a";
        res.summary = "no source table landed yet";
        return {};
    }
    std::string sql = "SELECT * FROM (";
    for (size_t i = 0; i < tables.size(); ++i) sql += (i ? " UNION ALL " : "") + select(tables[i]);
    return sql + ") ORDER BY source_table";
}

QualityPage::Result QualityPage::freshness(int64_t version) {
    Result res;
    res.columns = checks()[0].columns;
    std::string sql = over_landed(version, res, [&](const std::string& t) {
        return fmt::format(
            "SELECT {} AS source_table, toInt64(countIf(_deleted = 0)) AS live_keys, "
            "toInt64(max(_ts_ms)) AS last_commit_ms, "
            "toInt64(maxIf(_ts_ms, _deleted = 0)) AS last_visible_ms FROM {} FINAL",
            sql_string(t.substr(5)), table(t));
    });
    if (sql.empty()) return res;
    const auto got = rows("freshness", sql);
    int64_t newest = 0;
    for (const auto& r : got)
        if (r.size() == 4) newest = std::max(newest, to_int(r[2]));
    res.status = "pass";
    int stale = 0;
    for (const auto& r : got) {
        if (r.size() != 4) continue;
        const int64_t behind = newest - to_int(r[2]);
        const std::string status = behind > kStaleMs ? "warn" : "pass";
        if (status == "warn") ++stale;
        res.status = worst(res.status, status);
        res.rows.push_back({js(r[0]), r[1], r[2], r[3], std::to_string(behind), js(status)});
    }
    {
        std::lock_guard lock(mu_);
        newest_commit_ms_[version] = newest;
        while (newest_commit_ms_.size() > 8) newest_commit_ms_.erase(newest_commit_ms_.begin());
    }
    res.summary = fmt::format("{} source tables, newest commit at {} ms; {} more than 24 h behind",
                              res.rows.size(), newest, stale);
    return res;
}

QualityPage::Result QualityPage::volume(int64_t version) {
    Result res;
    res.columns = checks()[1].columns;
    check_json("freshness", version);  // the newest commit of this version (computed once)
    int64_t newest = 0;
    {
        std::lock_guard lock(mu_);
        auto it = newest_commit_ms_.find(version);
        if (it != newest_commit_ms_.end()) newest = it->second;
    }
    const auto tables = landed_tables(version);
    if (tables.empty() || newest <= 0) {
        res.status = "n/a";
        res.summary = "no source table landed yet";
        return res;
    }
    const int64_t from = newest - newest % kHourMs;
    // Latest versions (FINAL): what is counted does not depend on merges.
    auto part = [&](const std::string& name, const std::string& from_where, const std::string& time,
                    int64_t scale) {
        return fmt::format(
            "SELECT {} AS table_name, toInt64(countIf({} >= {} AND {} <= {})) AS this_hour, "
            "toInt64(countIf({} >= {} AND {} <= {})) AS week_earlier FROM {}",
            sql_string(name), time, from * scale, time, newest * scale, time,
            (from - kWeekMs) * scale, time, (newest - kWeekMs) * scale, from_where);
    };
    std::string sql =
        "SELECT * FROM (" + part("fact_bet", table("fact_bet") + " FINAL", "placed_at_us", 1000) +
        " UNION ALL " +
        part("fact_wallet_transaction",
             table("fact_wallet_transaction") + " FINAL WHERE deleted = 0", "created_at_us", 1000);
    for (const auto& t : tables) sql += " UNION ALL " + part(t, table(t) + " FINAL", "_ts_ms", 1);
    sql += ") ORDER BY table_name";
    res.status = "n/a";
    int compared = 0;
    for (const auto& r : rows("volume", sql)) {
        if (r.size() != 3) continue;
        const int64_t now = to_int(r[1]), before = to_int(r[2]);
        std::string status = "n/a";
        if (before > 0) {
            ++compared;
            status = (2 * now < before || now > 2 * before) ? "warn" : "pass";
        }
        res.status = worst(res.status, status);
        res.rows.push_back({js(r[0]), r[1], r[2], js(status)});
    }
    res.summary = fmt::format(
        "from {} to {} (UTC ms) against 7 days earlier; {} of {} tables have data that old", from,
        newest, compared, res.rows.size());
    return res;
}

QualityPage::Result QualityPage::schema() {
    Result res;
    res.columns = checks()[2].columns;
    const std::string sql =
        "SELECT source_table, sum(column_count), sum(source_column_count), sum(type_changes) "
        "FROM (SELECT substring(table, 6) AS source_table, toInt64(count()) AS column_count, "
        "toInt64(countIf(substring(name, 1, 1) != '_')) AS source_column_count, toInt64(0) AS "
        "type_changes FROM system.columns WHERE database = " +
        sql_string(database_) +
        " AND substring(table, 1, 5) = 'land_' GROUP BY table UNION ALL SELECT "
        "substring(entity, 6) AS source_table, toInt64(0) AS column_count, toInt64(0) AS "
        "source_column_count, toInt64(count()) AS type_changes FROM " +
        table("etl_log") +
        " FINAL WHERE rule = 'landing_type_changed' AND retracted = 0 AND substring(entity, 1, "
        "5) = 'land_' GROUP BY entity) GROUP BY source_table ORDER BY source_table";
    int64_t changes = 0;
    for (const auto& r : rows("schema", sql)) {
        if (r.size() != 4) continue;
        changes += to_int(r[3]);
        res.rows.push_back({js(r[0]), r[1], r[2], r[3]});
    }
    res.status = changes == 0 ? "pass" : "warn";
    res.summary = fmt::format("{} source tables; {} type changes seen", res.rows.size(), changes);
    return res;
}

QualityPage::Result QualityPage::etl_log() {
    Result res;
    res.columns = checks()[3].columns;
    const auto got = rows(
        "etl_log",
        "SELECT rule, arrayStringConcat(arraySort(groupUniqArray(severity)), ',') AS severities, "
        "toInt64(count()) AS entries, toInt64(uniqExact(entity, entity_key)) AS entities, "
        "toInt64(sum(provisional)) AS provisional FROM " +
            table("etl_log") + " FINAL WHERE retracted = 0 GROUP BY rule ORDER BY rule");
    int64_t total = 0;
    for (const auto& r : got) {
        if (r.size() != 5) continue;
        total += to_int(r[2]);
        res.rows.push_back({js(r[0]), js(r[1]), r[2], r[3], r[4]});
    }
    res.status = total == 0 ? "pass" : "warn";
    res.summary = fmt::format("{} entries in force under {} rules", total, res.rows.size());
    return res;
}

QualityPage::Result QualityPage::dead_letters() {
    Result res;
    res.columns = checks()[4].columns;
    const auto got =
        rows("dead_letters",
             "SELECT stage, reason, toInt64(count()) AS letters, min(offset), "
             "max(offset) FROM " +
                 table("_dead_letters") + " FINAL GROUP BY stage, reason ORDER BY stage, reason");
    int64_t total = 0;
    for (const auto& r : got) {
        if (r.size() != 5) continue;
        total += to_int(r[2]);
        res.rows.push_back({js(r[0]), js(r[1]), r[2], r[3], r[4]});
    }
    res.status = total == 0 ? "pass" : "fail";
    res.summary =
        fmt::format("{} dead letters in {} stage x reason groups", total, res.rows.size());
    return res;
}

QualityPage::Result QualityPage::fact_duplicates() {
    Result res;
    res.columns = checks()[5].columns;
    const std::string sql =
        "SELECT * FROM (SELECT 'fact_bet' AS table_name, 'bet_id' AS business_key, "
        "toInt64(count()) AS duplicate_keys FROM (SELECT bet_id FROM " +
        table("fact_bet") +
        " FINAL GROUP BY bet_id HAVING count() > 1) UNION ALL SELECT 'fact_bet_leg' AS "
        "table_name, 'bet_id, leg_no' AS business_key, toInt64(count()) AS duplicate_keys FROM "
        "(SELECT bet_id, leg_no FROM " +
        table("fact_bet_leg") +
        " FINAL WHERE deleted = 0 GROUP BY bet_id, leg_no HAVING count() > 1) UNION ALL SELECT "
        "'fact_wallet_transaction' AS table_name, 'id' AS business_key, toInt64(count()) AS "
        "duplicate_keys FROM (SELECT id FROM " +
        table("fact_wallet_transaction") +
        " FINAL WHERE deleted = 0 GROUP BY id HAVING count() > 1)) ORDER BY table_name";
    int64_t total = 0;
    for (const auto& r : rows("fact_duplicates", sql)) {
        if (r.size() != 3) continue;
        total += to_int(r[2]);
        res.rows.push_back({js(r[0]), js(r[1]), r[2]});
    }
    res.status = total == 0 ? "pass" : "fail";
    res.summary = fmt::format("{} duplicate business keys", total);
    return res;
}

QualityPage::Result QualityPage::landing_duplicates(int64_t version) {
    Result res;
    res.columns = checks()[6].columns;
    std::string sql = over_landed(version, res, [&](const std::string& t) {
        return fmt::format(
            "SELECT {} AS source_table, toInt64(count()) AS duplicate_keys FROM (SELECT "
            "_key FROM {} FINAL WHERE _deleted = 0 GROUP BY _key HAVING count() > 1)",
            sql_string(t.substr(5)), table(t));
    });
    if (sql.empty()) return res;
    int64_t total = 0;
    for (const auto& r : rows("landing_duplicates", sql)) {
        if (r.size() != 2) continue;
        total += to_int(r[1]);
        res.rows.push_back({js(r[0]), r[1]});
    }
    res.status = total == 0 ? "pass" : "fail";
    res.summary = fmt::format("{} duplicate keys in {} tables", total, res.rows.size());
    return res;
}

QualityPage::Result QualityPage::reconciliation() {
    Result res;
    res.columns = checks()[7].columns;
    std::ifstream in(reconcile_path_);
    if (reconcile_path_.empty() || !in) {
        res.status = "n/a";
        res.summary = "no reconciliation recorded (run `tote reconcile`)";
        return res;
    }
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string text = buf.str();
    // The file is tote's own (reconcile_command.cpp): flat fields and a list of strings.
    auto field = [&](const std::string& name) -> std::string {
        const std::string key = "\"" + name + "\":";
        auto at = text.find(key);
        if (at == std::string::npos) return {};
        at += key.size();
        auto end = text.find_first_of(",}", at);
        std::string v = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        return v;
    };
    const std::string exact = field("exact");
    if (exact != "true" && exact != "false")
        throw ToteError(ErrorClass::Retriable,
                        "reconciliation: " + reconcile_path_ +
                            " is not a result of `tote reconcile`; run it again");
    res.status = exact == "true" ? "pass" : "fail";
    res.summary = fmt::format(
        "finished at {} (UTC), warehouse offset {}, truth offset {}: {} "
        "differences",
        field("finished_at"), field("warehouse_offset"), field("truth_offset"),
        field("differences"));
    // The rows per day x currency (tote reconcile writes them); a file from before them has
    // only its first differences, each shown as a row of no day.
    try {
        const YAML::Node root = YAML::Load(text);
        const auto as_json = [](const std::string& cell) {
            std::string out;
            append_json_string(out, cell);
            return out;
        };
        if (root["day_currency"] && root["day_currency"].IsSequence()) {
            for (const auto& row : root["day_currency"]) {
                std::vector<std::string> cells;
                for (const auto& cell : row) cells.push_back(as_json(cell.as<std::string>("")));
                if (cells.size() == res.columns.size()) res.rows.push_back(std::move(cells));
            }
        } else if (root["first_differences"] && root["first_differences"].IsSequence()) {
            for (const auto& d : root["first_differences"])
                res.rows.push_back({"\"\"", "\"\"", "\"fail\"", "\"\"", "\"\"", "\"\"",
                                    as_json(d.as<std::string>(""))});
        }
    } catch (const YAML::Exception& e) {
        throw ToteError(ErrorClass::Retriable, "reconciliation: " + reconcile_path_ +
                                                   " cannot be read (" + e.what() +
                                                   "); run `tote reconcile` again");
    }
    return res;
}

void QualityPage::record(const std::string& id, int64_t version, const std::string& status) {
    std::lock_guard lock(mu_);
    auto& h = history_[id];
    h.emplace_back(version, status);
    std::sort(h.begin(), h.end());
    while (h.size() > kHistory) h.pop_front();
}

std::vector<std::pair<int64_t, std::string>> QualityPage::history(const std::string& id) const {
    std::lock_guard lock(mu_);
    auto it = history_.find(id);
    if (it == history_.end()) return {};
    return {it->second.begin(), it->second.end()};
}

std::string QualityPage::compute(const std::string& id, int64_t version) {
    const QualityCheck& c =
        *std::find_if(checks().begin(), checks().end(), [&](auto& k) { return k.id == id; });
    std::string head = "{\"id\":" + js(c.id) + ",\"title\":" + js(c.title) +
                       ",\"rule\":" + js(c.rule) + fmt::format(",\"version\":{}", version);
    try {
        Result r = id == "freshness"            ? freshness(version)
                   : id == "volume"             ? volume(version)
                   : id == "schema"             ? schema()
                   : id == "etl_log"            ? etl_log()
                   : id == "dead_letters"       ? dead_letters()
                   : id == "fact_duplicates"    ? fact_duplicates()
                   : id == "landing_duplicates" ? landing_duplicates(version)
                                                : reconciliation();
        record(id, version, r.status);
        return head + ",\"status\":" + js(r.status) + ",\"summary\":" + js(r.summary) +
               ",\"columns\":" + columns_json(r.columns) + ",\"rows\":" + rows_json(r.rows) + "}";
    } catch (const std::exception& e) {
        record(id, version, "error");
        return head + ",\"status\":\"error\",\"error\":" + js(e.what()) + "}";
    }
}

std::string QualityPage::check_json(std::string_view id, int64_t version) {
    if (std::none_of(checks().begin(), checks().end(), [&](auto& k) { return k.id == id; }))
        throw ToteError(ErrorClass::Fatal, "no data-quality check '" + std::string(id) +
                                               "' (GET /api/v1/quality lists them)");
    const std::string key(id);
    return cache_.get("quality_" + key, "", version, [&] { return compute(key, version); });
}

std::string QualityPage::page_json(int64_t version, int64_t committed_at_ms) {
    std::string out = fmt::format(
        "{{\"version\":{},\"committed_at_ms\":{},\"time_zone\":\"UTC\",\"history_kept\":{},"
        "\"checks\":[",
        version, committed_at_ms, kHistory);
    for (size_t i = 0; i < checks().size(); ++i) {
        const auto& id = checks()[i].id;
        std::string c = check_json(id, version);
        c.pop_back();  // the closing brace: the history follows
        c += ",\"history\":[";
        const auto h = history(id);
        for (size_t k = 0; k < h.size(); ++k)
            c += fmt::format("{}[{},{}]", k ? "," : "", h[k].first, js(h[k].second));
        out += (i ? "," : "") + c + "]}";
    }
    return out + "]}";
}

std::string QualityPage::etl_entries_json(int64_t version, const std::string& rule, int64_t page) {
    page = std::max<int64_t>(page, 0);
    const std::string params = rule + '\t' + std::to_string(page);
    return cache_.get("quality_etl_entries", params, version, [&] {
        const std::string sql = fmt::format(
            "SELECT entity, entity_key, severity, version, log_offset, provisional, details FROM "
            "{} FINAL WHERE retracted = 0 AND rule = {} ORDER BY entity, entity_key, version "
            "LIMIT {} OFFSET {}",
            table("etl_log"), sql_string(rule), kPageRows, page * kPageRows);
        std::vector<std::vector<std::string>> out;
        for (const auto& r : rows("etl_entries", sql)) {
            if (r.size() != 7) continue;
            out.push_back({js(r[0]), js(r[1]), js(r[2]), r[3], r[4], r[5], js(r[6])});
        }
        return fmt::format("{{\"version\":{},\"rule\":{},\"page\":{},\"page_rows\":{},", version,
                           js(rule), page, kPageRows) +
               "\"columns\":" +
               columns_json({"entity", "entity_key", "severity", "version", "log_offset",
                             "provisional", "details"}) +
               ",\"rows\":" + rows_json(out) + "}";
    });
}

std::string QualityPage::dead_letters_json(int64_t version, const std::string& stage,
                                           const std::string& reason, int64_t page) {
    page = std::max<int64_t>(page, 0);
    const std::string params = stage + '\t' + reason + '\t' + std::to_string(page);
    return cache_.get("quality_dead_letter_rows", params, version, [&] {
        const std::string sql = fmt::format(
            "SELECT topic, partition, offset, timestamp_ms, key, value FROM {} FINAL WHERE "
            "stage = {} AND reason = {} ORDER BY topic, partition, offset LIMIT {} OFFSET {}",
            table("_dead_letters"), sql_string(stage), sql_string(reason), kPageRows,
            page * kPageRows);
        std::vector<std::vector<std::string>> out;
        for (const auto& r : rows("dead_letter_rows", sql)) {
            if (r.size() != 6) continue;
            out.push_back({js(r[0]), r[1], r[2], r[3], raw_bytes(r[4]), raw_bytes(r[5])});
        }
        return fmt::format(
                   "{{\"version\":{},\"stage\":{},\"reason\":{},\"page\":{},"
                   "\"page_rows\":{},",
                   version, js(stage), js(reason), page, kPageRows) +
               "\"columns\":" +
               columns_json({"topic", "partition", "offset", "timestamp_ms", "key", "value"}) +
               ",\"rows\":" + rows_json(out) + "}";
    });
}

bool QualityPage::valid_utf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        size_t n = 0;
        uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= s.size()) return false;  // truncated sequence
        for (size_t k = 1; k <= n; ++k) {
            const auto d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

}  // namespace tote
