#pragma once
// What the simulated OLTP holds at a log position, computed from the simulator's own state
// (never from the events it emitted): the ledger per day × currency × type (and × status),
// live rows per table, the injected anomalies. Serialised as ground_truth.json (format in
// docs/simulator.md).
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

struct GroundTruth {
    static constexpr const char* kFormat = "tote-ground-truth/1";
    SimulatorConfig config;
    int64_t log_offset = 0;  // writer's next offset after the last complete transaction
    uint64_t records_emitted = 0;
    uint64_t change_events_emitted = 0;
    uint64_t redelivered_change_events = 0;     // re-deliveries among them (Debezium after a crash)
    std::string sim_time;                       // simulated clock at log_offset
    std::map<std::string, int64_t> table_rows;  // live rows per table
    std::vector<LedgerFigure> ledger;           // per day × currency × type, every status
    std::vector<LedgerFigure> ledger_by_status;  // per day × currency × type × status
    std::vector<Anomaly> anomalies;

    // Fills table_rows, ledger and ledger_by_status from the state.
    void compute_from(const OltpState& state);
};

void write_ground_truth(const GroundTruth& truth, const std::filesystem::path& path);
// Throws ToteError(Fatal) naming the file and the problem when it cannot be read.
GroundTruth read_ground_truth(const std::filesystem::path& path);

}  // namespace tote
