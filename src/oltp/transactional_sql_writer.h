#pragma once
// The simulator's transactions committed into an OLTP database as its services would commit
// them: each simulator transaction (a placement's bet + legs + stake debit, a settlement's leg
// results + bet + payout credit, a cash-out, a correction, a deposit, ...) is one database
// transaction (BEGIN; ...; COMMIT). Up to `batch` of them, in commit order, share one round trip
// (a multi-statement text holding several BEGIN ... COMMIT blocks: each still commits on its
// own); flush() sends what is pending. The initial rows are loaded in multi-row INSERTs, one
// transaction per simulator step.
//
// `Dialect` writes the statements (PostgresSql for schema/oltp.sql, MariaDbSql for
// schema/oltp_mariadb.sql: static append_insert_head, append_row, append_update,
// append_update_key, append_delete, append_truncate and kBeginTransaction); `Connection` runs a
// multi-statement text (exec).
#include <cstdint>
#include <string>

#include "core/error.h"
#include "simulate/change_sink.h"
#include "simulate/table_def.h"

namespace tote {

template <class Dialect, class Connection>
class TransactionalSqlWriter final : public ChangeSink {
public:
    explicit TransactionalSqlWriter(Connection& db, size_t batch = 1) : db_(db), batch_(batch) {}

    void initial_row(const RowCells& row) override {
        if (initial_table_ != row.table() || initial_batch_ == kInitialRowsPerInsert) {
            if (initial_batch_ > 0) initial_sql_ += ";\n";
            Dialect::append_insert_head(initial_sql_, table_def(row.table()));
            initial_table_ = row.table();
            initial_batch_ = 0;
        } else {
            initial_sql_ += ", ";
        }
        Dialect::append_row(initial_sql_, row);
        ++initial_batch_;
        ++initial_rows_;
    }
    void begin(int64_t /*commit_us*/) override {
        if (in_tx_)
            throw ToteError(ErrorClass::Fatal, "simulator bug: begin inside an open transaction");
        flush_initial();  // the initial rows come first
        in_tx_ = true;
        sql_ += Dialect::kBeginTransaction;
    }
    void insert(const RowCells& after) override {
        check_in_tx("insert");
        Dialect::append_insert_head(sql_, table_def(after.table()));
        Dialect::append_row(sql_, after);
        sql_ += ";\n";
        ++statements_;
    }
    void update(const RowCells& after) override {
        check_in_tx("update");
        Dialect::append_update(sql_, after);
        ++statements_;
    }
    void remove(const RowCells& row) override {
        check_in_tx("delete");
        Dialect::append_delete(sql_, row);
        ++statements_;
    }
    void update_key(const RowCells& before, const RowCells& after) override {
        check_in_tx("key update");
        Dialect::append_update_key(sql_, before, after);
        ++statements_;
    }
    void truncate(TableId table) override {
        check_in_tx("truncate");
        Dialect::append_truncate(sql_, table);
        ++statements_;
    }
    void commit() override {
        check_in_tx("commit");
        sql_ += "COMMIT;\n";
        in_tx_ = false;
        if (++pending_ >= batch_) send_pending();
    }

    // Commits the initial rows given since the last call, then the pending transactions.
    void flush() {
        if (in_tx_) throw ToteError(ErrorClass::Fatal, "simulator bug: flush inside a transaction");
        flush_initial();
        send_pending();
    }

    uint64_t transactions() const { return transactions_; }
    uint64_t statements() const { return statements_; }
    uint64_t initial_rows() const { return initial_rows_; }

private:
    static constexpr size_t kInitialRowsPerInsert = 1000;

    void check_in_tx(const char* what) const {
        if (!in_tx_)
            throw ToteError(ErrorClass::Fatal,
                            std::string("simulator bug: ") + what + " outside a transaction");
    }
    void flush_initial() {
        if (initial_sql_.empty()) return;
        std::string sql = std::string(Dialect::kBeginTransaction) + initial_sql_ + ";\nCOMMIT;";
        initial_sql_.clear();
        initial_table_ = TableId::Count;
        initial_batch_ = 0;
        db_.exec(sql);
    }
    void send_pending() {
        if (pending_ == 0) return;
        db_.exec(sql_);
        transactions_ += pending_;
        pending_ = 0;
        sql_.clear();
    }

    Connection& db_;
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
