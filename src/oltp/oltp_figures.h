#pragma once
// Row-by-row figures of the simulator's PostgreSQL schema (schema/oltp.sql), for locating a
// difference that `tote reconcile --oltp` found. The figures themselves come from the mapping
// file (reconcile/source_figures.h), for any schema.
#include <map>
#include <string>

#include "oltp/pg_connection.h"

namespace tote {

class OltpFigures {
public:
    // Every bet by its landed key ({"id":N}) -> status|stake|currency|payout|settled_at, the
    // text Reconciler::bet_fingerprint_sql makes of the landed row (NULL as "NULL", timestamps
    // as Debezium writes them: 2026-11-01T00:00:00.000000Z).
    static std::map<std::string, std::string> bet_fingerprints(PgConnection& db);
};

}  // namespace tote
