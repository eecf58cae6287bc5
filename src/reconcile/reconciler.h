#pragma once
// Proves that the warehouse equals an expected state, exactly: ledger counts and sums per
// day x currency x type to the minor unit, live rows per table, no key landed twice.
// The warehouse must have landed exactly up to the expected state's offset: background merges
// keep only the newest version of each key, so an earlier state cannot be rebuilt exactly once
// newer changes have landed. (A running `tote demo` pauses at a checkpoint for the check.)
#include <string>
#include <vector>

#include "model/ledger_mapping.h"
#include "reconcile/expected_state.h"
#include "sink/clickhouse_connection.h"

namespace tote {

struct ReconcileReport {
    int64_t warehouse_offset = 0;  // committed position of the consumer
    uint64_t ledger_rows_checked = 0;
    uint64_t tables_checked = 0;
    std::vector<std::string> differences;  // empty = exact
    std::vector<std::string> notes;        // facts worth showing (dead letters, ...)
    bool ok() const { return differences.empty(); }
};

class Reconciler {
public:
    Reconciler(ClickHouseConnection& conn, std::string database, LedgerMapping ledger,
               std::string consumer = "ingest");

    ReconcileReport run(const ExpectedState& expected);

    // Locates differences of one landed table entity by entity: each key's fingerprint (a
    // ClickHouse expression over the landed columns, taken at the key's latest version) against
    // the source's (key -> fingerprint). One line per entity missing, extra or different, at
    // most `limit` lines (then how many more).
    std::vector<std::string> locate_rows(const std::string& table,
                                         const std::string& fingerprint_sql, int64_t offset,
                                         const std::map<std::string, std::string>& source_rows,
                                         size_t limit = 10);
    // The fingerprint of a bet of schema/oltp.sql as landed: status|stake|currency|payout|
    // settled_at (the same text as OltpFigures::bet_fingerprints makes in PostgreSQL).
    static std::string bet_fingerprint_sql();

    // The source tables that have a landing table (land_<table>), by name.
    std::vector<std::string> landed_tables();

    // The warehouse's figures as of a log offset (exposed for tests and reports).
    std::map<LedgerKey, LedgerFigures> ledger_as_of(int64_t offset);
    uint64_t live_rows_as_of(const std::string& table, int64_t offset);

    // Locates a ledger difference row by row: the warehouse's rows of one day x currency x type
    // (by landed key) against the source's (key -> amount). One line per row missing, extra or
    // with another amount, at most `limit` lines (then how many more).
    std::vector<std::string> locate_ledger_difference(
        const LedgerKey& key, int64_t offset, const std::map<std::string, int64_t>& source_rows,
        size_t limit = 10);

private:
    // The latest version of each ledger row as (day, currency, type, amount) columns, for
    // latest_rows_sql.
    std::string ledger_columns();
    bool table_exists(const std::string& table);

    ClickHouseConnection& conn_;
    std::string db_;
    LedgerMapping ledger_;
    std::string consumer_;
};

}  // namespace tote
