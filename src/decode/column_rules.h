#pragma once
// Per-column decoding rules that both JSON decoders take from configuration: the scale of a
// decimal that arrives without a schema, and whether a column holds money (which must arrive
// exactly).
#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace tote {

struct ColumnRule {
    int32_t scale = -1;  // -1: not listed in decimal_scales
    bool money = false;
};
using TableRules = std::map<std::string, ColumnRule, std::less<>>;
using ColumnRules = std::map<std::string, TableRules, std::less<>>;

// From "table.column" keyed settings; entries without a dot are ignored.
ColumnRules make_column_rules(const std::map<std::string, int32_t>& decimal_scales,
                              const std::set<std::string>& money_columns);

}  // namespace tote
