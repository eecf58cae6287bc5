#include "decode/column_rules.h"

namespace tote {

ColumnRules make_column_rules(const std::map<std::string, int32_t>& decimal_scales,
                              const std::set<std::string>& money_columns) {
    ColumnRules rules;
    auto rule = [&](const std::string& qualified) -> ColumnRule* {
        auto dot = qualified.rfind('.');
        if (dot == std::string::npos) return nullptr;
        return &rules[qualified.substr(0, dot)][qualified.substr(dot + 1)];
    };
    for (const auto& [name, scale] : decimal_scales)
        if (ColumnRule* r = rule(name)) r->scale = scale;
    for (const auto& name : money_columns)
        if (ColumnRule* r = rule(name)) r->money = true;
    return rules;
}

}  // namespace tote
