#pragma once
// Checks a mapping file against what a warehouse has landed (`tote mapping check`, and `tote
// ingest` before it reads anything): every mapped column of a landed table exists
// (system.columns of land_<table>); its landed type converts exactly to the model field (no
// floating point for money, odds or ids; no fraction for minor units; text for text fields);
// every value seen in a value-mapped column is covered by the map. Each problem carries the line
// of the mapping file. A table that has not landed yet cannot be checked: that is a note, not an
// error (a fresh warehouse, or a table whose first change has not arrived). Nor can a column that
// has not landed: a column lands with its first non-null value, so a missing optional column is
// a note, and a missing required one an error only once the table holds rows other than deletes.
// Not thread-safe (one connection).
#include <map>
#include <string>
#include <vector>

#include "model/mapping_file.h"
#include "sink/clickhouse_connection.h"

namespace tote {

struct MappingCheckReport {
    std::vector<model::MappingProblem> errors;  // a bad mapping: facts would be wrong or lost
    std::vector<model::MappingProblem> notes;   // what could not be checked, and why
    bool ok() const { return errors.empty(); }
    // "origin:line: problem" lines, errors first, then notes ("note: ...").
    std::string format(const std::string& origin) const;
};

class MappingCheck {
public:
    MappingCheck(ClickHouseConnection& conn, std::string database)
        : conn_(conn), database_(std::move(database)) {}

    MappingCheckReport run(const model::MappingFile& file);

private:
    // land_<table> holds rows other than deletes (a required column would then have landed).
    bool has_live_rows(const std::string& table);

    ClickHouseConnection& conn_;
    std::string database_;
    std::map<std::string, bool> live_rows_;
};

}  // namespace tote
