#pragma once
// The OLTP database's own figures, read by SQL (`tote reconcile --oltp`), in the shape of the
// simulator's ground truth so the same reconciliation runs against them: the ledger per UTC day
// x currency x type (and x status), live rows per table, and the bet figures per placement and
// settlement day x currency with the definitions of GroundTruth::compute_from (docs/kpis.md).
// The database does not know which rows are anomalies: `anomalies` stays empty.
#include <map>
#include <string>

#include "oltp/pg_connection.h"
#include "simulate/ground_truth.h"

namespace tote {

class OltpFigures {
public:
    // Everything in one REPEATABLE READ transaction (one consistent snapshot); log_offset -1.
    static GroundTruth read(PgConnection& db);

    // The wallet rows of one ledger group, by their key as tote lands it ({"id":N}) -> amount.
    static std::map<std::string, int64_t> ledger_rows(PgConnection& db, const std::string& day,
                                                      const std::string& currency,
                                                      const std::string& type);

    // Every bet by its landed key ({"id":N}) -> status|stake|currency|payout|settled_at, the
    // text Reconciler::bet_fingerprint_sql makes of the landed row (NULL as "NULL", timestamps
    // as Debezium writes them: 2026-11-01T00:00:00.000000Z).
    static std::map<std::string, std::string> bet_fingerprints(PgConnection& db);
};

}  // namespace tote
