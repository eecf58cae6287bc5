#pragma once
// SQL alerts (docs/operations.md, "Alerts"): each alert is a statement that returns one number,
// optionally a baseline statement (e.g. the same time yesterday), and thresholds on the value
// (above / below) or on its change against the baseline in percent. The dashboard evaluates
// every alert once per warehouse version, on live data; an alert is ok, triggered or error (its
// statement failed), and each change of state is kept (a history per alert) and POSTed as JSON
// to the alert's webhook. Statements run on tote's read-only path (one reading statement,
// readonly=2): an alert cannot write. Read from a YAML file (`tote serve --alerts FILE`, e.g.
// dashboards/alerts.yaml), checked at start: a bad file is an error with its line.
//
// Thread-safe: evaluate (the dashboard's refresher) and json (requests) may run at once.
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "serve/query_parameters.h"
#include "sink/clickhouse_connection.h"

namespace tote {

struct AlertRule {
    std::string id;
    std::string title;
    std::string sql;
    std::string baseline_sql;  // "" = none
    std::optional<double> above, below;
    std::optional<double> change_above_pct, change_below_pct;  // need baseline_sql
    std::string webhook;                                       // http://host:port/path; "" = none
    // {name:Type} placeholders of sql and baseline_sql, bound with these defaults when the file
    // is read (the same parameters as saved queries: QueryParameters).
    std::vector<QueryParameter> params;
    int line = 0;
};

struct AlertState {
    std::string state = "pending";  // pending (not evaluated yet), ok, triggered, error
    std::optional<double> value, baseline;
    std::string reason;  // which condition holds, or the error
    int64_t version = -1;
    int64_t since_version = -1;  // the version whose evaluation entered the state
    std::string webhook_status;  // of the last POST: "200", "failed: ...", "" = none sent
};

struct AlertTransition {
    std::string id;
    std::string from, to;
    int64_t version = -1;
    std::optional<double> value;
};

class AlertBook {
public:
    // Throws ToteError (Fatal) listing every problem as "FILE:LINE: problem".
    static AlertBook load(const std::filesystem::path& path);
    static AlertBook parse(const std::string& yaml, const std::string& origin);

    AlertBook(AlertBook&& other) noexcept;

    // Evaluates every alert at `version` (once per version; an older or equal one is ignored)
    // and sends a webhook for each change of state.
    void evaluate(ClickHouseConnection& conn, int64_t version);

    // {"alerts":[{id,title,state,value,baseline,reason,version,since_version,webhook_status,
    //  conditions,history:[...]}]}
    std::string json() const;
    const std::vector<AlertRule>& rules() const { return rules_; }

private:
    AlertBook() = default;
    std::optional<double> number(ClickHouseConnection& conn, const std::string& sql) const;
    static std::string send(const AlertRule& rule, const std::string& body);

    std::vector<AlertRule> rules_;
    mutable std::mutex mu_;
    std::vector<AlertState> states_;
    std::vector<std::deque<AlertTransition>> history_;  // the last 20 per alert
    int64_t evaluated_ = -1;
};

}  // namespace tote
