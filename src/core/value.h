#pragma once
// A column value of a row image as it arrives from the source, typed but not yet mapped
// to the betting model. Decimals stay exact (unscaled integer + scale).
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace tote {

struct NullValue {
    bool operator==(const NullValue&) const = default;
};

// Debezium's `__debezium_unavailable_value`: an unchanged TOASTed column. Not a value.
struct UnavailableValue {
    bool operator==(const UnavailableValue&) const = default;
};

struct Decimal {
    __int128 unscaled = 0;
    int32_t scale = 0;  // value = unscaled / 10^scale
    bool operator==(const Decimal&) const = default;
};

// Exact text of a decimal, e.g. {-1234, 2} -> "-12.34".
std::string to_string(const Decimal& d);

using Value =
    std::variant<NullValue, int64_t, double, bool, std::string, Decimal, UnavailableValue>;

// The landing type a value asks for. Timestamps arrive as ISO-8601 text and land as String.
enum class ColumnKind { Int64, Float64, Bool, String, Decimal };

struct ColumnType {
    ColumnKind kind = ColumnKind::String;
    int32_t scale = 0;  // only for Decimal
    bool operator==(const ColumnType&) const = default;
};

// ClickHouse type of a landing column, e.g. "Nullable(Decimal(38, 2))".
std::string clickhouse_type(const ColumnType& t);

struct Field {
    std::string name;
    ColumnType type;  // from the message schema when present, else inferred from the value
    Value value;
    // True when `type` is the source's declared type (the message's value schema), so it types
    // the landing column even for a null; false when inferred from the value (no schema).
    bool declared = false;
    bool operator==(const Field&) const = default;
};

struct RowImage {
    std::vector<Field> fields;
    const Field* find(std::string_view name) const;
    bool operator==(const RowImage&) const = default;
};

}  // namespace tote
