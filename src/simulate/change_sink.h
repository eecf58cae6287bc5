#pragma once
// A second consumer of the simulator's OLTP changes besides the Debezium JSON: the same rows
// and transactions, told as the database saw them (the initial rows, then each transaction's
// inserts, updates, deletes, key updates and truncates between begin and commit). Debezium's
// own artefacts (re-deliveries, tombstones, BEGIN/END records) are not changes of the database
// and never reach a sink. `tote simulate --oltp` uses one to commit the workload into PostgreSQL.
#include <cstdint>

#include "simulate/row_cells.h"
#include "simulate/table_def.h"

namespace tote {

class ChangeSink {
public:
    virtual ~ChangeSink() = default;
    // One row of the initial state (what the Debezium snapshot reads).
    virtual void initial_row(const RowCells& row) = 0;
    virtual void begin(int64_t commit_us) = 0;
    virtual void insert(const RowCells& after) = 0;
    // Every column of the row; cells of kind Unavailable (an unchanged TOASTed value) keep
    // what the database holds.
    virtual void update(const RowCells& after) = 0;
    virtual void remove(const RowCells& row) = 0;  // by the row's primary key
    virtual void update_key(const RowCells& before, const RowCells& after) = 0;
    virtual void truncate(TableId table) = 0;
    virtual void commit() = 0;
};

}  // namespace tote
