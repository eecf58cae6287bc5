#pragma once
// The simulator's transactions committed into MariaDB (schema/oltp_mariadb.sql), as
// SqlChangeWriter does for PostgreSQL: each simulator transaction is one database transaction
// (START TRANSACTION; ...; COMMIT), up to `batch` of them in commit order share one round trip
// (a multi-statement text; each still commits on its own), the initial rows go in multi-row
// INSERTs, one transaction per simulator step. Values are converted by MariaDbSql.
#include <cstdint>
#include <string>

#include "oltp/mariadb_connection.h"
#include "simulate/change_sink.h"

namespace tote {

class MariaDbChangeWriter final : public ChangeSink {
public:
    explicit MariaDbChangeWriter(MariaDbConnection& db, size_t batch = 1)
        : db_(db), batch_(batch) {}

    void initial_row(const RowCells& row) override;
    void begin(int64_t commit_us) override;
    void insert(const RowCells& after) override;
    void update(const RowCells& after) override;
    void remove(const RowCells& row) override;
    void update_key(const RowCells& before, const RowCells& after) override;
    void truncate(TableId table) override;
    void commit() override;

    // Commits the initial rows given since the last call, then the pending transactions.
    void flush();

    uint64_t transactions() const { return transactions_; }
    uint64_t statements() const { return statements_; }
    uint64_t initial_rows() const { return initial_rows_; }

private:
    void check_in_tx(const char* what) const;
    void flush_initial();
    void send_pending();

    MariaDbConnection& db_;
    size_t batch_;
    std::string sql_;
    size_t pending_ = 0;
    bool in_tx_ = false;
    std::string initial_sql_;
    TableId initial_table_ = TableId::Count;
    size_t initial_batch_ = 0;
    uint64_t transactions_ = 0, statements_ = 0, initial_rows_ = 0;
};

}  // namespace tote
