#include "oltp/oltp_figures.h"

namespace tote {

std::map<std::string, std::string> OltpFigures::bet_fingerprints(PgConnection& db) {
    PgResult r = db.exec(
        "SELECT '{\"id\":' || id || '}', status || '|' || stake_minor || '|' || currency || '|' "
        "|| coalesce(payout_minor::text, 'NULL') || '|' || coalesce(to_char(settled_at AT TIME "
        "ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), 'NULL') FROM bets");
    std::map<std::string, std::string> out;
    for (int i = 0; i < r.rows(); ++i) out[std::string(r.text(i, 0))] = std::string(r.text(i, 1));
    return out;
}

}  // namespace tote
