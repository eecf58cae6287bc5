#include "oltp/postgres_catalog.h"

#include "core/table_identity.h"

namespace tote {

std::optional<SourceType> PostgresCatalog::debezium_type(const std::string& t,
                                                         std::optional<int> precision,
                                                         std::optional<int> scale,
                                                         std::string& note) {
    using K = SourceType::Kind;
    auto integer = [](int bits) { return SourceType{K::Integer, bits, 0, 0}; };
    if (t == "smallint") return integer(16);
    if (t == "integer") return integer(32);
    if (t == "bigint") return integer(64);
    if (t == "real") return SourceType{K::Float, 32, 0, 0};
    if (t == "double precision") return SourceType{K::Float};
    if (t == "boolean") return SourceType{K::Boolean};
    if (t == "numeric") {
        if (precision && scale && *precision >= 1 && *precision <= 38 && *scale >= 0 &&
            *scale <= *precision)
            return SourceType{K::Decimal, 0, *precision, *scale};
        note =
            "numeric without a fixed precision and scale (Debezium writes a variable-scale "
            "decimal): typed from its values";
        return std::nullopt;
    }
    // io.debezium.time.Date (days), Timestamp / MicroTimestamp, Time / MicroTime, MicroDuration
    if (t == "date") return integer(32);
    if (t == "timestamp without time zone" || t == "time without time zone" || t == "interval")
        return integer(64);
    if (t == "bytea") return SourceType{K::Bytes};
    // ZonedTimestamp, ZonedTime, text, enums (USER-DEFINED), uuid, json, xml, inet, arrays
    // (compact JSON text), ranges, ...
    if (t == "timestamp with time zone" || t == "time with time zone" || t == "text" ||
        t == "character varying" || t == "character" || t == "uuid" || t == "json" ||
        t == "jsonb" || t == "xml" || t == "inet" || t == "cidr" || t == "macaddr" ||
        t == "USER-DEFINED" || t == "ARRAY")
        return SourceType{K::String};
    note = "type " + t + " has no fixed JSON type here: typed from its values";
    return std::nullopt;
}

std::vector<CatalogColumn> PostgresCatalog::read(PgConnection& conn) {
    PgResult r = conn.exec(
        "SELECT c.table_schema, c.table_name, c.column_name, c.data_type, "
        "c.numeric_precision, c.numeric_scale, c.datetime_precision, "
        "format_type(a.atttypid, a.atttypmod) "
        "FROM information_schema.columns c "
        "JOIN information_schema.tables t ON t.table_schema = c.table_schema "
        " AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE' "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = "
        " (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass "
        " AND a.attname = c.column_name "
        "WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') "
        "ORDER BY c.table_schema, c.table_name, c.ordinal_position");
    std::vector<CatalogColumn> out;
    out.reserve(static_cast<size_t>(r.rows()));
    auto opt = [&r](int row, int col) -> std::optional<int> {
        if (r.is_null(row, col)) return std::nullopt;
        return static_cast<int>(r.int64(row, col));
    };
    for (int i = 0; i < r.rows(); ++i) {
        CatalogColumn c;
        c.identity = TableIdentity::of(r.text(i, 0), r.text(i, 1), "public");
        c.column.assign(r.text(i, 2));
        c.sql_type.assign(r.text(i, 7));
        c.type = debezium_type(std::string(r.text(i, 3)), opt(i, 4), opt(i, 5), c.note);
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace tote
