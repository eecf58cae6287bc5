#pragma once
// The column types of a PostgreSQL database, read from its catalog (information_schema) and
// translated into what Debezium's PostgreSQL connector writes for them in JSON without a
// schema (time.precision.mode=adaptive, the default): the declared types of `tote ingest
// --source-catalog` (docs/decoding.md, "Declared types without a schema").
#include <optional>
#include <string>
#include <vector>

#include "core/source_type.h"
#include "oltp/pg_connection.h"

namespace tote {

struct CatalogColumn {
    std::string identity;  // TableIdentity::of(schema, table, "public"): the ChangeEvent table
    std::string column;
    std::string sql_type;  // as the catalog names it, e.g. "numeric(18,2)", "timestamp(6)"
    // nullopt: nothing fixes the JSON type (numeric without a scale, money, ...), so the
    // column is typed from its values; `note` says why.
    std::optional<SourceType> type;
    std::string note;
};

class PostgresCatalog {
public:
    // Every column of every ordinary table outside pg_catalog and information_schema, in table
    // and column order. Throws the connection's ToteErrors.
    static std::vector<CatalogColumn> read(PgConnection& conn);

    // The JSON type Debezium writes for a PostgreSQL type (information_schema's data_type,
    // numeric precision and scale, datetime precision); nullopt with `note` when none is fixed.
    static std::optional<SourceType> debezium_type(const std::string& data_type,
                                                   std::optional<int> precision,
                                                   std::optional<int> scale, std::string& note);
};

}  // namespace tote
