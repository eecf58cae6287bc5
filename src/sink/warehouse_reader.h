#pragma once
// Read helpers over the landed warehouse for the reconciler and the CLI. Every query reads
// the latest versions with FINAL (never depends on merges) and runs on 18.16 and 26.x.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sink/clickhouse_connection.h"
#include "source/file_log_reader.h"

namespace tote {

class WarehouseReader {
public:
    WarehouseReader(ClickHouseConnection& conn, std::string database = "tote");

    // Source table names that have a land_ table, sorted.
    std::vector<std::string> landed_tables();

    // Rows alive now: latest version per key, not deleted, newer than the table's latest
    // truncate marker.
    uint64_t live_rows(std::string_view table);

    // Rows of the FINAL view that share (_key, _version) with another: 0 when replays collapse.
    uint64_t duplicate_versions(std::string_view table);

    uint64_t dead_letter_count();
    uint64_t transaction_marker_count();
    uint64_t truncate_count(std::string_view table);

    // The committed resume position of `consumer`.
    std::optional<LogPosition> resume_position(std::string_view consumer);

private:
    uint64_t count(const std::string& sql);

    ClickHouseConnection& conn_;
    std::string database_;
};

}  // namespace tote
