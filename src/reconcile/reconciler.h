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

    // Locates bet differences bet by bet, in the model's terms: each bet's
    // status|stake|currency|payout|settlement day (minor units, UTC day, "" when unsettled) in
    // fact_bet against the source's (SourceFigures::bet_rows, by bet id). Keys are shown as
    // `{"<id column>":N}`. One line per bet missing, extra or different, at most `limit` lines
    // (then how many more). Bets deleted in the source (fact status 'deleted') are left out.
    std::vector<std::string> locate_bets(const std::string& table, const std::string& id_column,
                                         const std::map<std::string, std::string>& source_rows,
                                         size_t limit = 10);

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
