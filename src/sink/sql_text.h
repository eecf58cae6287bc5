#pragma once
// Small helpers that build SQL text valid on ClickHouse 18.16 and the embedded 26.x engine.
#include <string>
#include <string_view>
#include <vector>

namespace tote {

// 'text' with quotes and backslashes escaped: a ClickHouse string literal.
std::string sql_string(std::string_view text);

// `name` with backquotes and backslashes escaped: a ClickHouse identifier.
std::string sql_identifier(std::string_view name);

// "db.`table`"-style qualified name: `db`.`table`.
std::string sql_table(std::string_view database, std::string_view table);

// One entry of a "name Type, name Type" column list.
struct ColumnSpec {
    std::string name;  // unquoted
    std::string type;  // e.g. "Nullable(Decimal(38, 2))"
};

// Splits "a Int64, `b c` Nullable(Decimal(38, 2))" at top-level commas into names and types.
// Names may be backquoted. Throws ToteError(Fatal) on malformed text.
std::vector<ColumnSpec> parse_column_list(std::string_view columns);

// The inverse: "`a` Int64, `b c` Nullable(Decimal(38, 2))".
std::string format_column_list(const std::vector<ColumnSpec>& columns);

// "`a`, `b c`": the names only.
std::string format_column_names(const std::vector<ColumnSpec>& columns);

// Splits TabSeparated output into rows of fields, unescaping \t \n \\ \' \0 and \N -> "\\N"
// kept verbatim so callers can tell NULL apart ("\\N" stays the two characters).
std::vector<std::vector<std::string>> parse_tsv(std::string_view text);

}  // namespace tote
