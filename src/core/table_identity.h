#pragma once
// The one name tote gives a source table everywhere (ChangeEvent::table, the landing table
// `land_<name>`, `_truncates.table_name`, the mapping's table names, messages), made from the
// table's schema (PostgreSQL schema; MySQL database) and its name, so same-named tables of two
// schemas never meet:
//
//   a table of the default schema (PostgreSQL's `public`), or of no known schema, whose name has
//   neither '.' nor '%':                                        bets           -> land_bets
//   any other table: escaped schema '.' escaped table, where escaping turns '%' into %25 and '.'
//   into %2E:                                                   sales.bets     -> land_sales.bets
//                                                  public."a.b" -> public.a%2Eb ->
//                                                  land_public.a%2Eb
//
// The mapping is one-to-one (the escaped parts hold no '.', so the one '.' separates them, and a
// bare name has none), which parse() inverts. docs/warehouse.md describes it.
#include <string>
#include <string_view>

namespace tote {

struct QualifiedTable {
    std::string schema;  // "" when the bare form was given
    std::string table;
    bool operator==(const QualifiedTable&) const = default;
};

class TableIdentity {
public:
    // The name of `table` of `schema` when `default_schema` is the schema whose tables keep their
    // bare names ("" = none: every table with a known schema is qualified).
    static std::string of(std::string_view schema, std::string_view table,
                          std::string_view default_schema);

    // The schema and table of a name made by of() (schema "" for a bare name).
    static QualifiedTable parse(std::string_view identity);

    static std::string escape(std::string_view part);
    static std::string unescape(std::string_view part);
};

}  // namespace tote
