#include "serve/alert_book.h"

#include <httplib.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/json_escape.h"
#include "core/log.h"
#include "serve/saved_query_book.h"
#include "serve/yaml_file.h"
#include "sink/sql_text.h"

namespace tote {

namespace {

constexpr size_t kHistory = 20;

std::string number_text(const std::optional<double>& v) {
    if (!v) return "null";
    std::ostringstream s;
    s.precision(17);
    s << *v;
    return s.str();
}

}  // namespace

AlertBook::AlertBook(AlertBook&& o) noexcept
    : rules_(std::move(o.rules_)),
      states_(std::move(o.states_)),
      history_(std::move(o.history_)),
      evaluated_(o.evaluated_) {}

AlertBook AlertBook::load(const std::filesystem::path& path) {
    return parse(read_yaml_file(path, "alerts", "docs/operations.md, \"Alerts\""), path.string());
}

AlertBook AlertBook::parse(const std::string& yaml, const std::string& origin) {
    AlertBook book;
    std::vector<std::string> problems;
    auto problem = [&](int line, const std::string& what) {
        problems.push_back(origin + ":" + std::to_string(line) + ": " + what);
    };
    const YAML::Node root = parse_yaml(yaml, origin);
    const YAML::Node list = root.IsMap() ? root["alerts"] : YAML::Node();
    if (!list || !list.IsSequence()) {
        problem(yaml_line(root), "expected `alerts:` with a list of alerts (docs/operations.md)");
    } else {
        std::set<std::string> ids;
        const std::set<std::string> known = {"id",
                                             "title",
                                             "sql",
                                             "baseline_sql",
                                             "above",
                                             "below",
                                             "change_above_pct",
                                             "change_below_pct",
                                             "webhook",
                                             "params"};
        for (const auto& a : list) {
            AlertRule r;
            r.line = yaml_line(a);
            if (!a.IsMap()) {
                problem(r.line, "an alert is a mapping of keys (id, sql, above, ...)");
                continue;
            }
            for (auto it = a.begin(); it != a.end(); ++it)
                if (!known.count(it->first.Scalar()))
                    problem(yaml_line(it->first), "unknown key '" + it->first.Scalar() + "'");
            auto text = [&](const char* k) { return a[k] ? a[k].as<std::string>("") : ""; };
            auto num = [&](const char* k) -> std::optional<double> {
                if (!a[k]) return std::nullopt;
                try {
                    return a[k].as<double>();
                } catch (const YAML::Exception&) {
                    problem(yaml_line(a[k]), std::string(k) + " must be a number");
                    return std::nullopt;
                }
            };
            r.id = text("id");
            r.title = text("title").empty() ? r.id : text("title");
            r.sql = text("sql");
            r.baseline_sql = text("baseline_sql");
            r.above = num("above");
            r.below = num("below");
            r.change_above_pct = num("change_above_pct");
            r.change_below_pct = num("change_below_pct");
            r.webhook = text("webhook");
            r.params = SavedQueryBook::parse_params(a["params"], problem);
            for (std::string* sql : {&r.sql, &r.baseline_sql}) {
                if (sql->empty()) continue;
                auto bound = QueryParameters::bind(*sql, r.params, {});
                if (bound.ok())
                    *sql = bound.sql;
                else
                    problem(r.line, "alert '" + r.id + "': " + bound.error);
            }
            if (r.id.empty()) problem(r.line, "an alert needs an id");
            if (!r.id.empty() && !ids.insert(r.id).second)
                problem(r.line, "duplicate alert id '" + r.id + "'");
            if (r.sql.empty()) problem(r.line, "alert '" + r.id + "' needs sql (one number)");
            if (!r.above && !r.below && !r.change_above_pct && !r.change_below_pct)
                problem(r.line, "alert '" + r.id +
                                    "' needs a condition: above, below, change_above_pct or "
                                    "change_below_pct");
            if ((r.change_above_pct || r.change_below_pct) && r.baseline_sql.empty())
                problem(r.line, "alert '" + r.id + "': a change condition needs baseline_sql");
            if (!r.webhook.empty() && r.webhook.rfind("http://", 0) != 0 &&
                r.webhook.rfind("https://", 0) != 0)
                problem(r.line, "alert '" + r.id + "': webhook must be an http(s):// URL");
            book.rules_.push_back(std::move(r));
        }
    }
    if (!problems.empty()) {
        std::string msg = "the alerts file " + origin + " is not usable:";
        for (const auto& p : problems) msg += "\n  " + p;
        throw ToteError(ErrorClass::Fatal, msg);
    }
    book.states_.resize(book.rules_.size());
    book.history_.resize(book.rules_.size());
    return book;
}

std::optional<double> AlertBook::number(ClickHouseConnection& conn, const std::string& sql) const {
    const auto rows = parse_tsv(conn.query_readonly(sql, "TabSeparated"));
    if (rows.empty() || rows[0].empty() || rows[0][0] == "\\N") return std::nullopt;
    size_t used = 0;
    const double v = std::stod(rows[0][0], &used);
    if (used != rows[0][0].size())
        throw ToteError(ErrorClass::Fatal, "the statement returned '" + rows[0][0] +
                                               "', not a number (an alert's sql returns one)");
    return v;
}

std::string AlertBook::send(const AlertRule& rule, const std::string& body) {
    // http://host:port/path -> client "http://host:port", path "/path"
    const auto scheme_end = rule.webhook.find("://") + 3;
    const auto path_at = rule.webhook.find('/', scheme_end);
    const std::string base = rule.webhook.substr(0, path_at);
    const std::string path = path_at == std::string::npos ? "/" : rule.webhook.substr(path_at);
    httplib::Client client(base);
    client.set_connection_timeout(5);
    client.set_read_timeout(5);
    auto res = client.Post(path, body, "application/json");
    if (!res) return "failed: " + httplib::to_string(res.error());
    return std::to_string(res->status);
}

void AlertBook::evaluate(ClickHouseConnection& conn, int64_t version) {
    {
        std::lock_guard lock(mu_);
        if (version <= evaluated_) return;
    }
    std::vector<std::pair<size_t, std::string>> to_send;
    for (size_t i = 0; i < rules_.size(); ++i) {
        const AlertRule& r = rules_[i];
        AlertState next;
        next.version = version;
        try {
            next.value = number(conn, r.sql);
            if (!r.baseline_sql.empty()) next.baseline = number(conn, r.baseline_sql);
            std::string why;
            const auto& v = next.value;
            if (v && r.above && *v > *r.above) why = "value above " + number_text(r.above);
            if (v && r.below && *v < *r.below) why = "value below " + number_text(r.below);
            if (v && next.baseline && *next.baseline != 0) {
                const double pct = (*v - *next.baseline) / std::fabs(*next.baseline) * 100.0;
                if (r.change_above_pct && pct > *r.change_above_pct)
                    why = "change " + number_text(pct) + "% above " +
                          number_text(r.change_above_pct) + "%";
                if (r.change_below_pct && pct < *r.change_below_pct)
                    why = "change " + number_text(pct) + "% below " +
                          number_text(r.change_below_pct) + "%";
            }
            next.state = why.empty() ? "ok" : "triggered";
            next.reason = why.empty() ? "no condition holds" : why;
        } catch (const std::exception& e) {
            next.state = "error";
            next.reason = e.what();
        }
        std::lock_guard lock(mu_);
        AlertState& cur = states_[i];
        next.since_version = next.state == cur.state ? cur.since_version : version;
        next.webhook_status = cur.webhook_status;
        if (next.state != cur.state) {
            history_[i].push_back({r.id, cur.state, next.state, version, next.value});
            if (history_[i].size() > kHistory) history_[i].pop_front();
            // Every change is kept; the first evaluation finding all well is not news.
            if (!r.webhook.empty() && !(cur.state == "pending" && next.state == "ok")) {
                std::string body = "{\"alert\":";
                append_json_string(body, r.id);
                body += ",\"title\":";
                append_json_string(body, r.title);
                body += ",\"from\":\"" + cur.state + "\",\"state\":\"" + next.state +
                        "\",\"value\":" + number_text(next.value) +
                        ",\"baseline\":" + number_text(next.baseline) +
                        ",\"version\":" + std::to_string(version) + ",\"reason\":";
                append_json_string(body, next.reason);
                body += "}";
                to_send.emplace_back(i, std::move(body));
            }
        }
        cur = std::move(next);
    }
    {
        std::lock_guard lock(mu_);
        evaluated_ = std::max(evaluated_, version);
    }
    for (auto& [i, body] : to_send) {
        const std::string status = send(rules_[i], body);
        if (status.rfind("failed", 0) == 0 || status[0] != '2')
            Log::warn("alerts", "webhook of alert " + rules_[i].id + " (" + rules_[i].webhook +
                                    "): " + status);
        std::lock_guard lock(mu_);
        states_[i].webhook_status = status;
    }
}

std::string AlertBook::json() const {
    std::lock_guard lock(mu_);
    std::string out = "{\"evaluated_version\":" + std::to_string(evaluated_) + ",\"alerts\":[";
    for (size_t i = 0; i < rules_.size(); ++i) {
        const auto& r = rules_[i];
        const auto& s = states_[i];
        if (i) out += ",";
        out += "{\"id\":";
        append_json_string(out, r.id);
        out += ",\"title\":";
        append_json_string(out, r.title);
        out += ",\"state\":\"" + s.state + "\",\"value\":" + number_text(s.value) +
               ",\"baseline\":" + number_text(s.baseline) + ",\"reason\":";
        append_json_string(out, s.reason);
        out += ",\"version\":" + std::to_string(s.version) +
               ",\"since_version\":" + std::to_string(s.since_version) + ",\"webhook_status\":";
        append_json_string(out, s.webhook_status);
        out += ",\"conditions\":{\"above\":" + number_text(r.above) +
               ",\"below\":" + number_text(r.below) +
               ",\"change_above_pct\":" + number_text(r.change_above_pct) +
               ",\"change_below_pct\":" + number_text(r.change_below_pct) + "},\"history\":[";
        for (size_t h = 0; h < history_[i].size(); ++h) {
            const auto& t = history_[i][h];
            if (h) out += ",";
            out += "{\"from\":\"" + t.from + "\",\"to\":\"" + t.to +
                   "\",\"version\":" + std::to_string(t.version) +
                   ",\"value\":" + number_text(t.value) + "}";
        }
        out += "]}";
    }
    return out + "]}";
}

}  // namespace tote
