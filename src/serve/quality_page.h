#pragma once
// The data-quality page's checks (docs/operations.md, "The data-quality page"; issue 15,
// point 4): freshness, volume and schema per source table, the ETL log grouped by rule, dead
// letters grouped by stage and reason, duplicate business keys in the fact and landing tables, and
// the latest reconciliation. Each check is one fixed SQL statement (parameters of a drill-down are
// bound as quoted literals, never as SQL text), computed once per warehouse version through the
// dashboard's TileCache, and judged pass / warn / fail / n/a by the rule shown with it.
//
// The statuses of the last kHistory versions computed are kept in memory per check (lost when
// the process stops).
//
// All SQL runs on ClickHouse 18.16 and the embedded 26.x engine; the runner returns
// TabSeparated output.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "serve/tile_cache.h"

namespace tote {

struct QualityCheck {
    std::string id;     // "freshness", ...: the key in the JSON and the tile cache ("quality_<id>")
    std::string title;  // shown on the page
    std::string rule;   // how the status is decided, shown on the page
    std::vector<std::string> columns;  // of `rows`
};

class QualityPage {
public:
    // Runs one read-only statement for `check` (counted per check by the owner); returns
    // TabSeparated rows.
    using Runner = std::function<std::string(const std::string& check, const std::string& sql)>;

    static constexpr size_t kHistory = 20;           // statuses kept per check
    static constexpr int64_t kPageRows = 50;         // rows per drill-down page
    static constexpr int64_t kStaleMs = 86'400'000;  // freshness: warn beyond 24 h behind

    // `reconcile_result_path`: DATA/reconcile-latest.json written by `tote reconcile` ("" = not
    // known: the reconciliation check is n/a).
    QualityPage(std::string database, TileCache& cache, Runner run,
                std::string reconcile_result_path = {});

    static const std::vector<QualityCheck>& checks();

    // {"version":V,"committed_at_ms":T,"time_zone":"UTC","checks":[{id, title, rule, status,
    // summary, columns, rows, history:[[version,status],...]} or {..., "error"}]}.
    std::string page_json(int64_t version, int64_t committed_at_ms);

    // One check's JSON at `version` (throws ToteError (Fatal) for an unknown id).
    std::string check_json(std::string_view id, int64_t version);

    // The entries in force (FINAL, retracted = 0) of one rule, page `page` (0-based) of kPageRows:
    // {"rule","page","page_rows","columns","rows"}.
    std::string etl_entries_json(int64_t version, const std::string& rule, int64_t page);

    // The dead letters of one stage and reason with their source position and raw key/value:
    // each as {"text": "..."} when valid UTF-8, {"hex": "..."} otherwise, or null.
    std::string dead_letters_json(int64_t version, const std::string& stage,
                                  const std::string& reason, int64_t page);

    // The statuses recorded for a check, oldest first.
    std::vector<std::pair<int64_t, std::string>> history(const std::string& id) const;

    // Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
    static bool valid_utf8(std::string_view s);

private:
    struct Result {
        std::string status;
        std::string summary;
        std::vector<std::string> columns;
        std::vector<std::vector<std::string>> rows;  // cells as JSON values
    };
    std::string compute(const std::string& id, int64_t version);
    Result freshness(int64_t version);
    Result volume(int64_t version);
    Result schema();
    Result etl_log();
    Result dead_letters();
    Result fact_duplicates();
    Result landing_duplicates(int64_t version);
    Result reconciliation();
    std::vector<std::string> landed_tables(int64_t version);
    // One SELECT per landed table (select(land_<name>)), UNION ALL'ed and ordered by
    // source_table; "" with `res` set to n/a when no table landed.
    std::string over_landed(int64_t version, Result& res,
                            const std::function<std::string(const std::string&)>& select);
    std::vector<std::vector<std::string>> rows(const std::string& check, const std::string& sql);
    void record(const std::string& id, int64_t version, const std::string& status);
    std::string table(std::string_view name) const;

    std::string database_;
    TileCache& cache_;
    Runner run_;
    std::string reconcile_path_;
    mutable std::mutex mu_;
    std::map<std::string, std::deque<std::pair<int64_t, std::string>>> history_;
    std::map<int64_t, int64_t> newest_commit_ms_;  // per version, from the freshness check
};

}  // namespace tote
