#pragma once
// What the simulated OLTP holds at a log position, computed from the simulator's own state
// (never from the events it emitted): the ledger per day × currency × type (and × status),
// the bet figures per placement / settlement day × currency (definitions of docs/kpis.md),
// live rows per table, the injected anomalies. Serialised as ground_truth.json (format in
// docs/simulator.md; "tote-ground-truth/2", which adds the bet figures; /1 files are still read).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "simulate/anomaly_injector.h"
#include "simulate/simulator_config.h"

namespace tote {

class OltpState;

struct LedgerFigure {
    std::string day;  // UTC date of created_at, YYYY-MM-DD
    std::string currency;
    std::string type;    // wallet transaction type
    std::string status;  // "" in the all-statuses list
    int64_t count = 0;
    int64_t sum_minor = 0;  // Σ amount_minor (signed)
    bool operator==(const LedgerFigure&) const = default;
};

// Bets placed on one UTC day (of placed_at) in one bet currency (docs/kpis.md, bet view).
struct BetPlacementFigure {
    std::string day;  // YYYY-MM-DD
    std::string currency;
    int64_t bets = 0;                  // non-void bets
    int64_t turnover_minor = 0;        // Σ stake of non-void bets
    int64_t open_liability_minor = 0;  // Σ potential_payout - stake of open bets
    bool operator==(const BetPlacementFigure&) const = default;
};

// Bets whose latest (re)settlement (settled_at) is on one UTC day, in one bet currency; settled
// = won, lost or cashed_out (a void is not settled).
struct BetSettlementFigure {
    std::string day;  // YYYY-MM-DD
    std::string currency;
    int64_t bets = 0;                    // settled bets
    int64_t settled_turnover_minor = 0;  // Σ stake
    int64_t payouts_minor = 0;           // Σ payout (0 when the bet has none)
    int64_t ggr_minor = 0;               // Σ stake - payout
    bool operator==(const BetSettlementFigure&) const = default;
};

struct GroundTruth {
    static constexpr const char* kFormat = "tote-ground-truth/2";
    static constexpr const char* kFormatV1 = "tote-ground-truth/1";  // no bet figures
    SimulatorConfig config;
    // Writer's next offset after the last complete transaction; -1 for `tote simulate --oltp`
    // (the database's final state, with no position in tote's input).
    int64_t log_offset = 0;
    uint64_t records_emitted = 0;
    uint64_t change_events_emitted = 0;
    uint64_t redelivered_change_events = 0;     // re-deliveries among them (Debezium after a crash)
    std::string sim_time;                       // simulated clock at log_offset
    std::map<std::string, int64_t> table_rows;  // live rows per table
    std::vector<LedgerFigure> ledger;           // per day × currency × type, every status
    std::vector<LedgerFigure> ledger_by_status;  // per day × currency × type × status
    std::vector<Anomaly> anomalies;
    // Bet figures (format /2; absent from /1 files: has_bet_figures = false). Groups whose
    // figures are all 0 are left out. Ordered by day, currency.
    bool has_bet_figures = false;
    std::vector<BetPlacementFigure> bets_by_placement;
    std::vector<BetSettlementFigure> bets_by_settlement;

    // Fills table_rows, ledger, ledger_by_status and the bet figures from the state.
    void compute_from(const OltpState& state);
};

void write_ground_truth(const GroundTruth& truth, const std::filesystem::path& path);
// Throws ToteError(Fatal) naming the file and the problem when it cannot be read.
GroundTruth read_ground_truth(const std::filesystem::path& path);

}  // namespace tote
