#pragma once
// Saved queries as code: files in the repository (e.g. dashboards/queries.yaml), each query an
// id, a title, its SQL with `{name:Type}` placeholders, the parameters it declares (type,
// default, label) and how to show it (a table, or a line or bar chart of x against y). The
// dashboard runs them on tote's read-only path with their parameters bound (QueryParameters),
// as JSON for the page or as a CSV export of the whole result. A bad file is an error with the
// line of each problem, before anything runs.
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "serve/query_parameters.h"
#include "sink/clickhouse_connection.h"

namespace YAML {
class Node;
}

namespace tote {

struct SavedQuery {
    std::string id;
    std::string title;
    std::string sql;
    std::vector<QueryParameter> params;
    std::string chart = "table";  // table, line, bar
    std::string x, y;             // result columns of a chart
    int line = 0;
};

// A dashboard as code: a title and the saved queries it shows, in order, each as its chart and
// table with its parameters' defaults (page /board).
struct SavedBoard {
    std::string id;
    std::string title;
    std::vector<std::string> queries;
    int line = 0;
};

class SavedQueryBook {
public:
    // Throws ToteError (Fatal) listing every problem as "FILE:LINE: problem".
    static SavedQueryBook load(const std::filesystem::path& path);
    static SavedQueryBook parse(const std::string& yaml, const std::string& origin);

    // The `params:` list of a query or an alert: [{name, type, default, required, label}].
    // Problems go to `problem(line, what)`.
    static std::vector<QueryParameter> parse_params(
        const YAML::Node& list, const std::function<void(int, const std::string&)>& problem);

    const std::vector<SavedQuery>& queries() const { return queries_; }
    const SavedQuery* find(const std::string& id) const;
    const std::vector<SavedBoard>& boards() const { return boards_; }

    // {"queries":[{id,title,sql,chart,x,y,params:[{name,type,default,required,label}]}],
    //  "dashboards":[{id,title,queries:[id,...]}]}
    std::string json() const;

    // Runs a query with `values` bound, on the read-only path, in `format` (e.g. JSON,
    // CSVWithNames). A value that does not fit is a ToteError naming the parameter. With a
    // `query_id`, the statement runs under it (ClickHouseConnection::query_readonly_as), so it
    // can be cancelled.
    static std::string run(ClickHouseConnection& conn, const SavedQuery& q,
                           const std::map<std::string, std::string>& values,
                           const std::string& format, const std::string& query_id = "");

private:
    std::vector<SavedQuery> queries_;
    std::vector<SavedBoard> boards_;
    std::string origin_;
};

}  // namespace tote
