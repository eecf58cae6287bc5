#pragma once
// Writes the simulator's current OLTP state as PostgreSQL INSERT statements for
// schema/oltp.sql, so a test can prove the simulator's rows fit the DDL.
#include <ostream>

#include "simulate/oltp_state.h"

namespace tote {

class SqlDumper {
public:
    // Every live row of every table, in batches of multi-row INSERTs, inside one transaction.
    static void write_inserts(const OltpState& state, std::ostream& out);
};

}  // namespace tote
