#pragma once
// The MariaDB OLTP's own figures, read by SQL (`tote reconcile --oltp mysql://...`), in the
// shape of the simulator's ground truth, as OltpFigures does for PostgreSQL: live rows per
// table, the ledger per UTC day x currency x type (x status) in signed minor units, and the bet
// figures per placement and settlement day x currency. schema/oltp_mariadb.sql's codes become
// the model's names and its DECIMAL major units minor units (the currency's exponent), exactly.
#include "oltp/mariadb_connection.h"
#include "simulate/ground_truth.h"

namespace tote {

class MariaDbFigures {
public:
    // Everything in one consistent snapshot (START TRANSACTION WITH CONSISTENT SNAPSHOT,
    // READ ONLY); log_offset -1. Throws Fatal for a currency without a known exponent or a sum
    // with more decimals than its currency has.
    static GroundTruth read(MariaDbConnection& db);
};

}  // namespace tote
