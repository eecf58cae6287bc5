#include "serve/saved_query_book.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "core/error.h"
#include "core/json_escape.h"
#include "serve/yaml_file.h"

namespace tote {
namespace {

std::string json_string(const std::string& s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

}  // namespace

std::vector<QueryParameter> SavedQueryBook::parse_params(
    const YAML::Node& list, const std::function<void(int, const std::string&)>& problem) {
    std::vector<QueryParameter> out;
    if (!list) return out;
    if (!list.IsSequence()) {
        problem(yaml_line(list), "params is a list of {name, type, default}");
        return out;
    }
    std::set<std::string> names;
    const std::set<std::string> known = {"name", "type", "default", "required", "label"};
    for (const auto& p : list) {
        if (!p.IsMap()) {
            problem(yaml_line(p), "a parameter is a mapping {name, type, default}");
            continue;
        }
        for (auto it = p.begin(); it != p.end(); ++it)
            if (!known.count(it->first.Scalar()))
                problem(yaml_line(it->first), "unknown parameter key '" + it->first.Scalar() + "'");
        QueryParameter q;
        q.name = p["name"] ? p["name"].as<std::string>("") : "";
        q.type = p["type"] ? p["type"].as<std::string>("") : "String";
        q.default_value = p["default"] ? p["default"].as<std::string>("") : "";
        q.required = p["required"] && p["required"].as<bool>(false);
        q.label = p["label"] ? p["label"].as<std::string>("") : "";
        if (q.name.empty()) problem(yaml_line(p), "a parameter needs a name");
        if (!q.name.empty() && !names.insert(q.name).second)
            problem(yaml_line(p), "duplicate parameter '" + q.name + "'");
        if (!QueryParameters::known_type(q.type))
            problem(yaml_line(p), "parameter '" + q.name + "' has type '" + q.type +
                                      "': use String, Date, Int64, UInt64 or Float64");
        std::string why;
        if (QueryParameters::known_type(q.type) && !q.default_value.empty() &&
            !QueryParameters::literal(q.type, q.default_value, why))
            problem(yaml_line(p), "parameter '" + q.name + "': default " + why);
        out.push_back(std::move(q));
    }
    return out;
}

SavedQueryBook SavedQueryBook::load(const std::filesystem::path& path) {
    return parse(read_yaml_file(path, "queries", "docs/operations.md, \"Saved queries\""),
                 path.string());
}

SavedQueryBook SavedQueryBook::parse(const std::string& yaml, const std::string& origin) {
    SavedQueryBook book;
    book.origin_ = origin;
    std::vector<std::string> problems;
    auto problem = [&](int line, const std::string& what) {
        problems.push_back(origin + ":" + std::to_string(line) + ": " + what);
    };
    const YAML::Node root = parse_yaml(yaml, origin);
    const YAML::Node list = root.IsMap() ? root["queries"] : YAML::Node();
    if (!list || !list.IsSequence()) {
        problem(yaml_line(root), "expected `queries:` with a list of queries (docs/operations.md)");
    } else {
        std::set<std::string> ids;
        const std::set<std::string> known = {"id", "title", "sql", "params", "chart", "x", "y"};
        for (const auto& node : list) {
            SavedQuery q;
            q.line = yaml_line(node);
            if (!node.IsMap()) {
                problem(q.line, "a query is a mapping of keys (id, title, sql, params, chart)");
                continue;
            }
            for (auto it = node.begin(); it != node.end(); ++it)
                if (!known.count(it->first.Scalar()))
                    problem(yaml_line(it->first), "unknown key '" + it->first.Scalar() + "'");
            auto text = [&](const char* k) {
                return node[k] ? node[k].as<std::string>("") : std::string();
            };
            q.id = text("id");
            q.title = text("title").empty() ? q.id : text("title");
            q.sql = text("sql");
            q.chart = text("chart").empty() ? "table" : text("chart");
            q.x = text("x");
            q.y = text("y");
            q.params = parse_params(node["params"], problem);
            if (q.id.empty()) problem(q.line, "a query needs an id");
            if (!q.id.empty() && !ids.insert(q.id).second)
                problem(q.line, "duplicate query id '" + q.id + "'");
            if (q.sql.empty()) problem(q.line, "query '" + q.id + "' needs sql");
            if (q.chart != "table" && q.chart != "line" && q.chart != "bar")
                problem(q.line, "query '" + q.id + "': chart is table, line or bar");
            if (q.chart != "table" && (q.x.empty() || q.y.empty()))
                problem(q.line, "query '" + q.id + "': a " + q.chart +
                                    " chart needs x and y (result columns)");
            // Every placeholder names a declared parameter of the same type, checked now.
            std::map<std::string, std::string> none;
            auto bound = QueryParameters::bind(q.sql, q.params, none);
            if (!bound.ok() && bound.error.find("is required") == std::string::npos)
                problem(q.line, "query '" + q.id + "': " + bound.error);
            book.queries_.push_back(std::move(q));
        }
    }
    // Dashboards: each a title and saved queries of this file, in order.
    if (root.IsMap() && root["dashboards"]) {
        const YAML::Node boards = root["dashboards"];
        if (!boards.IsSequence()) {
            problem(yaml_line(boards), "dashboards is a list of {id, title, queries: [ids]}");
        } else {
            std::set<std::string> ids;
            for (const auto& node : boards) {
                SavedBoard b;
                b.line = yaml_line(node);
                if (!node.IsMap()) {
                    problem(b.line, "a dashboard is a mapping {id, title, queries}");
                    continue;
                }
                for (auto it = node.begin(); it != node.end(); ++it)
                    if (it->first.Scalar() != "id" && it->first.Scalar() != "title" &&
                        it->first.Scalar() != "queries")
                        problem(yaml_line(it->first),
                                "unknown dashboard key '" + it->first.Scalar() + "'");
                b.id = node["id"] ? node["id"].as<std::string>("") : "";
                b.title = node["title"] ? node["title"].as<std::string>("") : b.id;
                if (b.id.empty()) problem(b.line, "a dashboard needs an id");
                if (!b.id.empty() && !ids.insert(b.id).second)
                    problem(b.line, "duplicate dashboard id '" + b.id + "'");
                const YAML::Node qs = node["queries"];
                if (!qs || !qs.IsSequence() || qs.size() == 0) {
                    problem(b.line, "dashboard '" + b.id + "' needs queries: [ids of this file]");
                } else {
                    for (const auto& q : qs) {
                        const std::string qid = q.as<std::string>("");
                        if (!book.find(qid))
                            problem(yaml_line(q), "dashboard '" + b.id + "' shows query '" + qid +
                                                      "', which this file does not define");
                        b.queries.push_back(qid);
                    }
                }
                book.boards_.push_back(std::move(b));
            }
        }
    }
    if (!problems.empty()) {
        std::string msg = "the queries file " + origin + " is not usable:";
        for (const auto& p : problems) msg += "\n  " + p;
        throw ToteError(ErrorClass::Fatal, msg);
    }
    return book;
}

const SavedQuery* SavedQueryBook::find(const std::string& id) const {
    for (const auto& q : queries_)
        if (q.id == id) return &q;
    return nullptr;
}

std::string SavedQueryBook::json() const {
    std::string out = "{\"queries\":[";
    for (size_t i = 0; i < queries_.size(); ++i) {
        const auto& q = queries_[i];
        if (i) out += ',';
        out += "{\"id\":" + json_string(q.id) + ",\"title\":" + json_string(q.title) +
               ",\"sql\":" + json_string(q.sql) + ",\"chart\":" + json_string(q.chart) +
               ",\"x\":" + json_string(q.x) + ",\"y\":" + json_string(q.y) + ",\"params\":[";
        for (size_t j = 0; j < q.params.size(); ++j) {
            const auto& p = q.params[j];
            if (j) out += ',';
            out += "{\"name\":" + json_string(p.name) + ",\"type\":" + json_string(p.type) +
                   ",\"default\":" + json_string(p.default_value) +
                   ",\"required\":" + (p.required ? "true" : "false") +
                   ",\"label\":" + json_string(p.label.empty() ? p.name : p.label) + "}";
        }
        out += "]}";
    }
    out += "],\"dashboards\":[";
    for (size_t i = 0; i < boards_.size(); ++i) {
        const auto& b = boards_[i];
        if (i) out += ',';
        out += "{\"id\":" + json_string(b.id) + ",\"title\":" + json_string(b.title) +
               ",\"queries\":[";
        for (size_t j = 0; j < b.queries.size(); ++j)
            out += (j ? "," : "") + json_string(b.queries[j]);
        out += "]}";
    }
    return out + "]}";
}

std::string SavedQueryBook::run(ClickHouseConnection& conn, const SavedQuery& q,
                                const std::map<std::string, std::string>& values,
                                const std::string& format, const std::string& query_id) {
    auto bound = QueryParameters::bind(q.sql, q.params, values);
    if (!bound.ok()) throw ToteError(ErrorClass::Fatal, "query '" + q.id + "': " + bound.error);
    return query_id.empty() ? conn.query_readonly(bound.sql, format)
                            : conn.query_readonly_as(query_id, bound.sql, format);
}

}  // namespace tote
