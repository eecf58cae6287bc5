#pragma once
// The simulator's transactions committed into PostgreSQL (schema/oltp.sql) as the OLTP services
// would commit them: each simulator transaction (a placement's bet + legs + stake debit, a
// settlement's leg results + bet + payout credit, a cash-out, a correction, a deposit, ...) is
// one database transaction (BEGIN; ...; COMMIT). Up to `batch` of them, in commit order, share
// one round trip (a simple query holding several BEGIN ... COMMIT blocks: each still commits on
// its own); flush() sends what is pending. The initial rows are loaded in multi-row INSERTs,
// one transaction per simulator step.
#include <cstdint>
#include <string>

#include "oltp/pg_connection.h"
#include "simulate/change_sink.h"

namespace tote {

class SqlChangeWriter final : public ChangeSink {
public:
    explicit SqlChangeWriter(PgConnection& db, size_t batch = 1) : db_(db), batch_(batch) {}

    void initial_row(const RowCells& row) override;
    void begin(int64_t commit_us) override;
    void insert(const RowCells& after) override;
    void update(const RowCells& after) override;
    void remove(const RowCells& row) override;
    void update_key(const RowCells& before, const RowCells& after) override;
    void truncate(TableId table) override;
    void commit() override;

    // Commits the initial rows given since the last call (one transaction), then the
    // transactions still pending in the batch; no-op when none.
    void flush();

    uint64_t transactions() const { return transactions_; }  // committed, initial load excluded
    uint64_t statements() const { return statements_; }      // in those transactions
    uint64_t initial_rows() const { return initial_rows_; }  // loaded so far

private:
    void check_in_tx(const char* what) const;

    void flush_initial();
    void send_pending();

    PgConnection& db_;
    size_t batch_;
    std::string sql_;  // pending transactions, each BEGIN ... COMMIT
    size_t pending_ = 0;
    bool in_tx_ = false;
    // Initial rows: one multi-row INSERT per run of rows of one table.
    std::string initial_sql_;
    TableId initial_table_ = TableId::Count;
    size_t initial_batch_ = 0;
    uint64_t transactions_ = 0, statements_ = 0, initial_rows_ = 0;
};

}  // namespace tote
