#pragma once
// Settings of `tote simulate`: everything that shapes the generated workload. The same config
// always yields a byte-identical log.
#include <cstdint>
#include <string>

namespace tote {

struct SimulatorConfig {
    uint64_t seed = 42;
    uint32_t players = 10000;          // players in the initial snapshot
    uint32_t events = 500;             // concurrently scheduled events (the catalogue's size)
    double bets_per_sim_second = 1.0;  // bet placements per simulated second
    uint64_t max_change_events = 0;    // stop after this many change events; 0 = unbounded
    std::string start_time = "2026-11-01T00:00:00Z";  // simulated clock at the snapshot
    double anomaly_rate = 0.002;          // share of bets that carry an injected inconsistency
    double redelivery_rate = 0.0005;      // per committed transaction: chance of a re-delivery
    bool schemas_enabled = false;         // JSON converter schemas.enable
    std::string decimal_mode = "string";  // decimal.handling.mode: "string" or "precise"
    std::string topic_prefix = "tote";    // Debezium topic.prefix
};

}  // namespace tote
