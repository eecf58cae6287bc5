#pragma once
// One landed table `<db>.land_<table>`: its column set and the RowBinary batch of rows waiting
// for the next commit. Generic: the data columns come from the change events, no code per table.
//
// Layout: the metadata columns below, then one Nullable column per source field, typed by
// clickhouse_type(field.type); ENGINE = ReplacingMergeTree(_version) ORDER BY _key.
//   _key String            canonical row key (compact JSON of the key fields)
//   _version UInt64        pack_version(source position), see core/source_position.h
//   _op String             c / u / d / r
//   _deleted UInt8         1 for a delete (its business columns are NULL)
//   _lsn, _tx_id, _tx_order UInt64; _snapshot UInt8; _ts_ms Int64 (commit time in the OLTP)
//   _unavailable Array(String)  columns that arrived as Debezium's TOAST placeholder (NULL here)
//   _topic String, _partition Int32, _offset Int64  where the change was read
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/change_event.h"
#include "core/log_record.h"
#include "core/value.h"
#include "sink/row_binary_writer.h"
#include "sink/sql_text.h"

namespace tote {

class LandingTable {
public:
    struct Column {
        std::string name;
        std::string clickhouse_type;  // as ClickHouse reports it
        std::optional<ColumnType>
            type;  // nullopt: a type tote never writes (every value conflicts)
        // The declared type conflict() last reported as a change of this column (so a stream
        // that goes on with the new type reports it once, not per record).
        mutable std::optional<ColumnType> reported_declared = std::nullopt;
    };

    LandingTable(std::string database, std::string source_table);

    // "land_" + source table.
    static std::string landing_name(std::string_view source_table);
    // The fixed metadata columns, in insert order.
    static const std::vector<ColumnSpec>& metadata_columns();
    // Parses "Nullable(Int64)", "Nullable(Decimal(38, 2))", ... back to a ColumnType.
    static std::optional<ColumnType> parse_type(std::string_view clickhouse_type);

    const std::string& source_table() const { return source_table_; }
    const std::vector<Column>& data_columns() const { return columns_; }
    // `db`.`land_T`
    const std::string& qualified_name() const { return qualified_; }

    // CREATE TABLE IF NOT EXISTS with the metadata columns and `data` columns.
    std::string create_sql(const std::vector<Column>& data) const;
    std::string add_column_sql(const Column& column) const;

    // Adds a data column to the in-memory set (after it exists in ClickHouse).
    void add_column(Column column);

    // Columns of the change's after image this table does not have yet, typed from the fields:
    // a field with a declared type (the message's value schema) makes its column even when
    // null; an inferred field (no schema) only with a value (a null's type is unknown).
    std::vector<Column> missing_columns(const ChangeEvent& change) const;

    // A column whose type the source now declares differently from the landed column: an
    // ALTER COLUMN in the source (or a column landed from an earlier schemas-off stream).
    // The landed column is never altered by tote (docs/warehouse.md, "Column types").
    struct TypeChange {
        std::string column;
        std::string landed;    // the landed column's ClickHouse type
        std::string declared;  // the ClickHouse type the declared type asks for
    };

    // Why the change cannot land without coercing a value (naming table, column, both types
    // and the row key); nullopt when every value fits its column (columns not yet present
    // are ignored here).
    std::optional<std::string> conflict(const ChangeEvent& change) const;

    // Appends the change's row to the batch. Preconditions: missing_columns() is empty and
    // conflict() is nullopt.
    void append(const ChangeEvent& change, const LogRecord& record);

    // The hot path resolves a change's fields to columns once for the three steps above:
    // resolve() gives, per field of the after image, its data column index (npos: none yet);
    // the result is valid until the next resolve() or add_column().
    static constexpr size_t npos = static_cast<size_t>(-1);
    const std::vector<size_t>& resolve(const ChangeEvent& change) const;
    std::vector<Column> missing_columns(const ChangeEvent& change,
                                        const std::vector<size_t>& columns) const;
    // `changes` (optional) receives the declared type changes the change shows, whether its
    // values fit the landed columns or not: a column's change once, until another declared
    // type differs from the landed one.
    std::optional<std::string> conflict(const ChangeEvent& change,
                                        const std::vector<size_t>& columns,
                                        std::vector<TypeChange>* changes = nullptr) const;
    void append(const ChangeEvent& change, const LogRecord& record,
                const std::vector<size_t>& columns);

    size_t rows() const { return rows_; }
    const std::string& batch() const { return batch_.data(); }
    // "name Type, ..." of the batch, in encoding order (metadata then data columns).
    std::string insert_columns() const;
    void clear_batch() {
        batch_.clear();
        rows_ = 0;
    }
    // Hands over the batch's bytes (for a commit that runs in the background) and starts empty.
    std::string take_batch() {
        rows_ = 0;
        return batch_.take();
    }

private:
    // Index of the data column `name`, or npos. Uses the previous row's field order first.
    size_t column_index(std::string_view name, size_t field_position) const;
    void encode_value(const Column& column, const Value& value);

    struct NameHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    std::string database_;
    std::string source_table_;
    std::string qualified_;
    std::vector<Column> columns_;
    std::unordered_map<std::string, size_t, NameHash, std::equal_to<>> index_;
    mutable std::vector<size_t> last_order_;  // field position -> column index of the last row
    mutable std::vector<size_t> resolved_;    // resolve()'s result
    std::vector<const Field*> slots_;         // per data column, the field of the current row
    RowBinaryWriter batch_;
    size_t rows_ = 0;
};

// Exact rescale of a decimal to `scale`; nullopt when it would lose digits or exceed 38 digits.
std::optional<__int128> rescale_decimal(const Decimal& d, int32_t scale);

}  // namespace tote
