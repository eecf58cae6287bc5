#include "core/value.h"

#include <algorithm>

namespace tote {

std::string to_string(const Decimal& d) {
    bool negative = d.unscaled < 0;
    unsigned __int128 u = negative ? static_cast<unsigned __int128>(-(d.unscaled + 1)) + 1
                                   : static_cast<unsigned __int128>(d.unscaled);
    std::string digits;
    do {
        digits.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
        u /= 10;
    } while (u != 0);
    while (static_cast<int32_t>(digits.size()) <= d.scale) digits.push_back('0');
    std::reverse(digits.begin(), digits.end());
    if (d.scale > 0) digits.insert(digits.end() - d.scale, '.');
    return negative ? "-" + digits : digits;
}

std::string clickhouse_type(const ColumnType& t) {
    switch (t.kind) {
        case ColumnKind::Int64:
            return "Nullable(Int64)";
        case ColumnKind::Float64:
            return "Nullable(Float64)";
        case ColumnKind::Bool:
            return "Nullable(UInt8)";
        case ColumnKind::String:
            return "Nullable(String)";
        case ColumnKind::Decimal:
            return "Nullable(Decimal(38, " + std::to_string(t.scale) + "))";
    }
    return "Nullable(String)";
}

const Field* RowImage::find(std::string_view name) const {
    for (const auto& f : fields)
        if (f.name == name) return &f;
    return nullptr;
}

}  // namespace tote
