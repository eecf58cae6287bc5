#include "sink/warehouse_reader.h"

#include "core/error.h"
#include "sink/landing_table.h"
#include "sink/sql_text.h"

namespace tote {

WarehouseReader::WarehouseReader(ClickHouseConnection& conn, std::string database)
    : conn_(conn), database_(std::move(database)) {}

uint64_t WarehouseReader::count(const std::string& sql) {
    std::string out = conn_.query(sql);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    try {
        size_t used = 0;
        uint64_t v = std::stoull(out, &used);
        if (used == out.size()) return v;
    } catch (const std::exception&) {
    }
    throw ToteError(ErrorClass::Fatal, conn_.describe() + " answered '" + out +
                                           "' where a count was expected, for: " + sql);
}

std::vector<std::string> WarehouseReader::landed_tables() {
    std::vector<std::string> out;
    for (auto& row : parse_tsv(conn_.query(
             "SELECT name FROM system.tables WHERE database = " + sql_string(database_) +
             " AND substring(name, 1, 5) = 'land_' ORDER BY name")))
        if (!row.empty()) out.push_back(row[0].substr(5));
    return out;
}

uint64_t WarehouseReader::live_rows(std::string_view table) {
    std::string truncated = "(SELECT max(version) FROM " + sql_table(database_, "_truncates") +
                            " FINAL WHERE table_name = " + sql_string(table) + ")";
    return count("SELECT count() FROM " + sql_table(database_, LandingTable::landing_name(table)) +
                 " FINAL WHERE _deleted = 0 AND _version > " + truncated);
}

uint64_t WarehouseReader::duplicate_versions(std::string_view table) {
    return count("SELECT count() - uniqExact(_key, _version) FROM " +
                 sql_table(database_, LandingTable::landing_name(table)) + " FINAL");
}

uint64_t WarehouseReader::dead_letter_count() {
    return count("SELECT count() FROM " + sql_table(database_, "_dead_letters") + " FINAL");
}

uint64_t WarehouseReader::transaction_marker_count() {
    return count("SELECT count() FROM " + sql_table(database_, "_transactions") + " FINAL");
}

uint64_t WarehouseReader::truncate_count(std::string_view table) {
    // Markers of rank Truncate (core/source_position.h); the others mark complete snapshots.
    return count("SELECT count() FROM " + sql_table(database_, "_truncates") +
                 " FINAL WHERE table_name = " + sql_string(table) + " AND version % 8 = 3");
}

std::optional<LogPosition> WarehouseReader::resume_position(std::string_view consumer) {
    auto rows = parse_tsv(conn_.query("SELECT next_offset, byte_position FROM " +
                                      sql_table(database_, "_offsets") +
                                      " FINAL WHERE consumer = " + sql_string(consumer)));
    if (rows.empty()) return std::nullopt;
    if (rows.size() != 1 || rows[0].size() != 2)
        throw ToteError(ErrorClass::Fatal, "unexpected rows in " + database_ +
                                               "._offsets FINAL for consumer " +
                                               std::string(consumer));
    return LogPosition{std::stoll(rows[0][0]), std::stoll(rows[0][1])};
}

}  // namespace tote
