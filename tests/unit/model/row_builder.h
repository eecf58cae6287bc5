#pragma once
// Test helpers: build change events by hand.
#include <string>
#include <utility>
#include <vector>

#include "core/change_event.h"

namespace tote::model::test {

inline Field col(std::string name, Value v) {
    Field f;
    f.name = std::move(name);
    f.value = std::move(v);
    return f;
}

inline ChangeEvent change(std::string table, std::string key, std::vector<Field> fields,
                          Op op = Op::Create) {
    ChangeEvent e;
    e.table = std::move(table);
    e.key = std::move(key);
    e.op = op;
    RowImage row;
    row.fields = std::move(fields);
    if (op == Op::Delete)
        e.before = std::move(row);
    else if (op != Op::Truncate)
        e.after = std::move(row);
    return e;
}

}  // namespace tote::model::test
