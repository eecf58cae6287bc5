#pragma once
// One row's values in column order (see table_def.h), without owning their text: the
// emitter and the SQL dump turn the same cells into JSON or SQL literals.
#include <array>
#include <cstdint>
#include <string_view>

#include "simulate/table_def.h"

namespace tote {

enum class CellKind : uint8_t { Null, Int, Text, Decimal, Timestamp, Date, Unavailable };

struct Cell {
    CellKind kind = CellKind::Null;
    int64_t i = 0;       // Int value, Decimal unscaled value, Timestamp µs, Date days
    std::string_view s;  // Text
};

class RowCells {
public:
    explicit RowCells(TableId table = TableId::Sports) : table_(table) {}
    void reset(TableId table) {
        table_ = table;
        n_ = 0;
    }
    RowCells& null() { return push({CellKind::Null, 0, {}}); }
    RowCells& i64(int64_t v) { return push({CellKind::Int, v, {}}); }
    RowCells& opt_i64(int64_t v, bool present) { return present ? i64(v) : null(); }
    RowCells& text(std::string_view v) { return push({CellKind::Text, 0, v}); }
    RowCells& opt_text(std::string_view v) { return v.empty() ? null() : text(v); }
    RowCells& dec(int64_t unscaled) { return push({CellKind::Decimal, unscaled, {}}); }
    RowCells& opt_dec(int64_t unscaled, bool present) { return present ? dec(unscaled) : null(); }
    RowCells& ts(int64_t us) { return push({CellKind::Timestamp, us, {}}); }
    RowCells& opt_ts(int64_t us) { return us != 0 ? ts(us) : null(); }
    RowCells& date(int64_t days) { return push({CellKind::Date, days, {}}); }

    TableId table() const { return table_; }
    size_t size() const { return n_; }
    const Cell& operator[](size_t i) const { return cells_[i]; }
    Cell& operator[](size_t i) { return cells_[i]; }

private:
    RowCells& push(const Cell& c) {
        cells_[n_++] = c;
        return *this;
    }
    TableId table_;
    size_t n_ = 0;
    std::array<Cell, 16> cells_{};
};

}  // namespace tote
