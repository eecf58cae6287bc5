#include "sink/schema_check.h"

#include <algorithm>
#include <map>

namespace tote {

namespace {

std::string without_spaces(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != ' ') out += c;
    return out;
}

// "CREATE TABLE IF NOT EXISTS {db}.name (a T, b U(x, y)) ENGINE = ..." -> name and columns.
bool parse_create(const std::string& statement, ExpectedTable& out) {
    const std::string prefix = "CREATE TABLE IF NOT EXISTS {db}.";
    if (statement.rfind(prefix, 0) != 0) return false;
    const size_t name_end = statement.find_first_of(" (", prefix.size());
    if (name_end == std::string::npos) return false;
    out.name = statement.substr(prefix.size(), name_end - prefix.size());
    const size_t open = statement.find('(', name_end);
    if (open == std::string::npos) return false;
    int depth = 0;
    size_t close = std::string::npos;
    for (size_t i = open; i < statement.size(); ++i) {
        if (statement[i] == '(') ++depth;
        if (statement[i] == ')' && --depth == 0) {
            close = i;
            break;
        }
    }
    if (close == std::string::npos) return false;
    out.columns = parse_column_list(std::string_view(statement).substr(open + 1, close - open - 1));
    return true;
}

}  // namespace

SchemaCheck::SchemaCheck(ClickHouseConnection& conn, std::string database,
                         std::vector<Migration> migrations)
    : conn_(conn), database_(std::move(database)), migrations_(std::move(migrations)) {}

std::vector<ExpectedTable> SchemaCheck::expected(const std::vector<Migration>& migrations) {
    std::vector<ExpectedTable> tables;
    for (const auto& m : migrations) {
        for (const auto& s : m.statements) {
            ExpectedTable t;
            if (parse_create(s, t)) tables.push_back(std::move(t));
        }
        for (const auto& c : m.added_columns)
            for (auto& t : tables)
                if (t.name == c.table) t.columns.push_back(ColumnSpec{c.column, c.type});
    }
    return tables;
}

std::vector<SchemaProblem> SchemaCheck::run() {
    std::vector<SchemaProblem> problems;
    for (const auto& table : expected(migrations_)) {
        std::map<std::string, std::string> actual;  // column -> type
        for (auto& row : parse_tsv(conn_.query(
                 "SELECT name, type FROM system.columns WHERE database = " + sql_string(database_) +
                 " AND table = " + sql_string(table.name))))
            if (row.size() >= 2) actual[row[0]] = row[1];
        if (actual.empty()) {
            problems.push_back({table.name, "is missing", true});
            continue;
        }
        for (const auto& col : table.columns) {
            auto it = actual.find(col.name);
            if (it == actual.end())
                problems.push_back({table.name, "has no column " + col.name + " " + col.type});
            else if (without_spaces(it->second) != without_spaces(col.type))
                problems.push_back(
                    {table.name, "column " + col.name + " is " + it->second + ", not " + col.type});
        }
    }
    return problems;
}

std::string SchemaCheck::describe(const std::vector<SchemaProblem>& problems,
                                  const std::string& database, const std::string& where) {
    std::string out = "the warehouse's own tables do not match its migrations (" + where + "):";
    for (const auto& p : problems) out += "\n  table " + database + "." + p.table + " " + p.what;
    out +=
        "\nEvery table here is derived from the change log: `tote repair` re-creates the missing "
        "or damaged tables (a damaged one is kept, renamed) and rebuilds their rows from the log, "
        "exactly; then ingest again.";
    return out;
}

}  // namespace tote
