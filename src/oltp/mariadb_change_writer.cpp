#include "oltp/mariadb_change_writer.h"

#include "oltp/mariadb_sql.h"

namespace tote {
namespace {
constexpr size_t kInitialRowsPerInsert = 1000;
}

void MariaDbChangeWriter::initial_row(const RowCells& row) {
    if (initial_table_ != row.table() || initial_batch_ == kInitialRowsPerInsert) {
        if (initial_batch_ > 0) initial_sql_ += ";\n";
        MariaDbSql::append_insert_head(initial_sql_, table_def(row.table()));
        initial_table_ = row.table();
        initial_batch_ = 0;
    } else {
        initial_sql_ += ", ";
    }
    MariaDbSql::append_row(initial_sql_, row);
    ++initial_batch_;
    ++initial_rows_;
}

void MariaDbChangeWriter::flush() {
    if (in_tx_) throw ToteError(ErrorClass::Fatal, "simulator bug: flush inside a transaction");
    flush_initial();
    send_pending();
}

void MariaDbChangeWriter::send_pending() {
    if (pending_ == 0) return;
    db_.exec(sql_);
    transactions_ += pending_;
    pending_ = 0;
    sql_.clear();
}

void MariaDbChangeWriter::flush_initial() {
    if (initial_sql_.empty()) return;
    std::string sql = "START TRANSACTION;\n" + initial_sql_ + ";\nCOMMIT;";
    initial_sql_.clear();
    initial_table_ = TableId::Count;
    initial_batch_ = 0;
    db_.exec(sql);
}

void MariaDbChangeWriter::check_in_tx(const char* what) const {
    if (!in_tx_)
        throw ToteError(ErrorClass::Fatal,
                        std::string("simulator bug: ") + what + " outside a transaction");
}

void MariaDbChangeWriter::begin(int64_t) {
    if (in_tx_)
        throw ToteError(ErrorClass::Fatal, "simulator bug: begin inside an open transaction");
    flush_initial();
    in_tx_ = true;
    sql_ += "START TRANSACTION;\n";
}

void MariaDbChangeWriter::insert(const RowCells& after) {
    check_in_tx("insert");
    MariaDbSql::append_insert_head(sql_, table_def(after.table()));
    MariaDbSql::append_row(sql_, after);
    sql_ += ";\n";
    ++statements_;
}

void MariaDbChangeWriter::update(const RowCells& after) {
    check_in_tx("update");
    MariaDbSql::append_update(sql_, after);
    ++statements_;
}

void MariaDbChangeWriter::remove(const RowCells& row) {
    check_in_tx("delete");
    MariaDbSql::append_delete(sql_, row);
    ++statements_;
}

void MariaDbChangeWriter::update_key(const RowCells& before, const RowCells& after) {
    check_in_tx("key update");
    MariaDbSql::append_update_key(sql_, before, after);
    ++statements_;
}

void MariaDbChangeWriter::truncate(TableId table) {
    check_in_tx("truncate");
    MariaDbSql::append_truncate(sql_, table);
    ++statements_;
}

void MariaDbChangeWriter::commit() {
    check_in_tx("commit");
    sql_ += "COMMIT;\n";
    in_tx_ = false;
    if (++pending_ >= batch_) send_pending();
}

}  // namespace tote
