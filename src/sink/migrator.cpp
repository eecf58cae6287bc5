#include "sink/migrator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "core/error.h"
#include "sink/sql_text.h"

namespace tote {

Migrator::Migrator(ClickHouseConnection& conn, std::string database,
                   std::vector<Migration> migrations)
    : conn_(conn), database_(std::move(database)), migrations_(std::move(migrations)) {
    std::sort(migrations_.begin(), migrations_.end(),
              [](const Migration& a, const Migration& b) { return a.version < b.version; });
    for (size_t i = 1; i < migrations_.size(); ++i)
        if (migrations_[i].version == migrations_[i - 1].version)
            throw ToteError(ErrorClass::Fatal, "two migrations share version " +
                                                   std::to_string(migrations_[i].version));
}

std::vector<Migration> Migrator::warehouse_migrations() {
    return {
        {1,
         "warehouse bookkeeping tables",
         {
             "CREATE TABLE IF NOT EXISTS {db}._offsets (consumer String, next_offset Int64, "
             "byte_position Int64, version UInt64) "
             "ENGINE = ReplacingMergeTree(version) ORDER BY consumer",
             "CREATE TABLE IF NOT EXISTS {db}._dead_letters (topic String, partition Int32, "
             "offset Int64, timestamp_ms Int64, key Nullable(String), value Nullable(String), "
             "stage String, reason String) "
             "ENGINE = ReplacingMergeTree ORDER BY (topic, partition, offset)",
             "CREATE TABLE IF NOT EXISTS {db}._transactions (tx_id UInt64, kind String, "
             "event_count UInt64, ts_ms Int64, topic String, partition Int32, offset Int64) "
             "ENGINE = ReplacingMergeTree ORDER BY (tx_id, kind)",
             "CREATE TABLE IF NOT EXISTS {db}._truncates (table_name String, version UInt64, "
             "lsn UInt64, tx_id UInt64, ts_ms Int64, offset Int64) "
             "ENGINE = ReplacingMergeTree(version) ORDER BY (table_name, version)",
         }},
    };
}

std::string Migrator::checksum(const Migration& m) {
    uint64_t h = 1469598103934665603ULL;
    auto mix = [&](std::string_view s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        h ^= 0xFF;  // separator, so ("ab","c") and ("a","bc") differ
        h *= 1099511628211ULL;
    };
    mix(m.name);
    for (const auto& s : m.statements) mix(s);
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::string Migrator::render(const std::string& statement, const std::string& database) {
    std::string out;
    std::string db = sql_identifier(database);
    size_t pos = 0;
    while (true) {
        size_t at = statement.find("{db}", pos);
        out.append(statement, pos, at == std::string::npos ? std::string::npos : at - pos);
        if (at == std::string::npos) break;
        out += db;
        pos = at + 4;
    }
    return out;
}

MigrationReport Migrator::apply() {
    const std::string db = sql_identifier(database_);
    conn_.query("CREATE DATABASE IF NOT EXISTS " + db);
    conn_.query("CREATE TABLE IF NOT EXISTS " + db +
                "._migrations (version UInt32, name String, checksum String, applied_ms Int64) "
                "ENGINE = ReplacingMergeTree ORDER BY version");
    std::map<uint32_t, std::pair<std::string, std::string>> done;  // version -> (name, checksum)
    for (auto& row : parse_tsv(conn_.query("SELECT version, name, checksum FROM " + db +
                                           "._migrations FINAL ORDER BY version"))) {
        if (row.size() != 3)
            throw ToteError(ErrorClass::Fatal,
                            "unexpected row shape in " + database_ + "._migrations");
        done[static_cast<uint32_t>(std::stoul(row[0]))] = {row[1], row[2]};
    }
    for (const auto& [version, entry] : done) {
        bool known = std::any_of(migrations_.begin(), migrations_.end(),
                                 [v = version](const Migration& m) { return m.version == v; });
        if (!known)
            throw ToteError(ErrorClass::Fatal,
                            "database " + database_ + " has migration " + std::to_string(version) +
                                " (" + entry.first +
                                ") that this build does not know: it was written by a newer tote; "
                                "upgrade tote");
    }
    MigrationReport report;
    for (const auto& m : migrations_) {
        std::string sum = checksum(m);
        if (auto it = done.find(m.version); it != done.end()) {
            if (it->second.second != sum)
                throw ToteError(
                    ErrorClass::Fatal,
                    "migration " + std::to_string(m.version) + " (" + m.name + ") of database " +
                        database_ + " was applied with checksum " + it->second.second +
                        " but this build's migration has checksum " + sum +
                        ": an applied migration must never change; add a new migration instead "
                        "(or rebuild the warehouse from the log into a fresh database)");
            report.already_done.push_back(m.version);
            continue;
        }
        for (const auto& s : m.statements) conn_.query(render(s, database_));
        int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        conn_.query("INSERT INTO " + db +
                    "._migrations (version, name, checksum, applied_ms) VALUES (" +
                    std::to_string(m.version) + ", " + sql_string(m.name) + ", " + sql_string(sum) +
                    ", " + std::to_string(now_ms) + ")");
        report.applied.push_back(m.version);
    }
    return report;
}

}  // namespace tote
