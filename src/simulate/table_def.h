#pragma once
// The simulated OLTP's tables as the Debezium emitter and the SQL dump see them: column names
// in DDL order, PostgreSQL types, nullability, defaults and primary key. Must match
// schema/oltp.sql (the PostgreSQL test loads the simulator's rows into that DDL).
#include <array>
#include <cstdint>
#include <string_view>

namespace tote {

enum class TableId : uint8_t {
    Sports,
    Competitions,
    Events,
    Markets,
    Selections,
    Players,
    WalletTransactions,
    FxRates,
    Bets,
    BetLegs,
    OddsStaging,
    Count
};
inline constexpr size_t kTableCount = static_cast<size_t>(TableId::Count);

enum class ColType : uint8_t { Int64, Int32, Text, Numeric, Timestamptz, Date };
enum class ColDefault : uint8_t { None, Serial, Now };

struct ColumnDef {
    std::string_view name;
    ColType type;
    bool nullable;
    bool key;  // part of the primary key
    ColDefault def = ColDefault::None;
    int precision = 0;  // numeric(precision, scale)
    int scale = 0;
};

struct TableDef {
    TableId id;
    std::string_view name;
    const ColumnDef* columns;
    size_t column_count;
};

const TableDef& table_def(TableId id);
inline const TableDef& table_def(size_t i) {
    return table_def(static_cast<TableId>(i));
}

}  // namespace tote
