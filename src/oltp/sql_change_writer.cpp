#include "oltp/sql_change_writer.h"

#include "simulate/postgres_sql.h"

namespace tote {
namespace {
constexpr size_t kInitialRowsPerInsert = 1000;
}

void SqlChangeWriter::initial_row(const RowCells& row) {
    if (initial_table_ != row.table() || initial_batch_ == kInitialRowsPerInsert) {
        if (initial_batch_ > 0) initial_sql_ += ";\n";
        PostgresSql::append_insert_head(initial_sql_, table_def(row.table()));
        initial_table_ = row.table();
        initial_batch_ = 0;
    } else {
        initial_sql_ += ", ";
    }
    PostgresSql::append_row(initial_sql_, row);
    ++initial_batch_;
    ++initial_rows_;
}

void SqlChangeWriter::flush() {
    if (in_tx_) throw ToteError(ErrorClass::Fatal, "simulator bug: flush inside a transaction");
    flush_initial();
    send_pending();
}

void SqlChangeWriter::send_pending() {
    if (pending_ == 0) return;
    db_.exec(sql_);
    transactions_ += pending_;
    pending_ = 0;
    sql_.clear();
}

void SqlChangeWriter::flush_initial() {
    if (initial_sql_.empty()) return;
    std::string sql = "BEGIN;\n" + initial_sql_ + ";\nCOMMIT;";
    initial_sql_.clear();
    initial_table_ = TableId::Count;
    initial_batch_ = 0;
    db_.exec(sql);
}

void SqlChangeWriter::check_in_tx(const char* what) const {
    if (!in_tx_)
        throw ToteError(ErrorClass::Fatal,
                        std::string("simulator bug: ") + what + " outside a transaction");
}

void SqlChangeWriter::begin(int64_t) {
    if (in_tx_)
        throw ToteError(ErrorClass::Fatal, "simulator bug: begin inside an open transaction");
    flush_initial();  // the initial rows come first
    in_tx_ = true;
    sql_ += "BEGIN;\n";
}

void SqlChangeWriter::insert(const RowCells& after) {
    check_in_tx("insert");
    PostgresSql::append_insert_head(sql_, table_def(after.table()));
    PostgresSql::append_row(sql_, after);
    sql_ += ";\n";
    ++statements_;
}

void SqlChangeWriter::update(const RowCells& after) {
    check_in_tx("update");
    PostgresSql::append_update(sql_, after);
    ++statements_;
}

void SqlChangeWriter::remove(const RowCells& row) {
    check_in_tx("delete");
    PostgresSql::append_delete(sql_, row);
    ++statements_;
}

void SqlChangeWriter::update_key(const RowCells& before, const RowCells& after) {
    check_in_tx("key update");
    PostgresSql::append_update_key(sql_, before, after);
    ++statements_;
}

void SqlChangeWriter::truncate(TableId table) {
    check_in_tx("truncate");
    PostgresSql::append_truncate(sql_, table);
    ++statements_;
}

void SqlChangeWriter::commit() {
    check_in_tx("commit");
    sql_ += "COMMIT;\n";
    in_tx_ = false;
    if (++pending_ >= batch_) send_pending();
}

}  // namespace tote
