#pragma once
// `tote simulate --oltp`: the simulator's workload committed into a real PostgreSQL, one
// database transaction per simulator transaction, optionally paced, with the Debezium
// connector checked or registered first and the ground truth kept current for `tote reconcile`.
// The same simulator settings give the same business content as `tote simulate` into the log.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "oltp/debezium_connector.h"
#include "simulate/simulator_config.h"

namespace tote {

struct OltpSimulationConfig {
    std::string url;             // libpq URL of the OLTP database
    bool create_schema = false;  // create schema/oltp.sql's tables when none exists
    // false: SET synchronous_commit = off for tote's session (commits do not wait for the WAL
    // flush; a server crash may lose the last few hundred ms of them, Debezium never saw those)
    bool synchronous_commit = true;
    // Transactions per round trip (each still its own BEGIN ... COMMIT); paced runs (rate > 0)
    // send every step's transaction at once.
    size_t batch_transactions = 32;
    uint64_t max_change_events = 0;  // stop after this many change events; 0 = no limit
    double rate = 0;                 // change events per wall-clock second; 0 = flat out
    double duration_s = 0;           // stop after this many wall-clock seconds; 0 = no limit
    std::filesystem::path ground_truth_path;
    std::chrono::milliseconds ground_truth_every{1000};
    std::string connect_url;  // Kafka Connect REST; "" = leave the connector alone
    std::string connector_name = "tote";
    std::string route_topic;  // see ConnectorTarget::route_topic
    // --continue: the database already holds the transactions of this simulator configuration's
    // first `resume_records` records, committed by an earlier run. They are regenerated without
    // writing, the database's row counts are checked against them, and the run goes on from
    // there (the ground truth covers both runs). -1: a fresh run into an empty database.
    int64_t resume_records = -1;
    // Where the run records how far it has committed (progress_header, then records=N), each
    // time the ground truth is written; "" = not recorded.
    std::filesystem::path progress_path;
    std::string progress_header;
};

struct OltpProgress {
    uint64_t transactions = 0;           // committed (the initial load not counted)
    uint64_t statements = 0;             // in those transactions
    uint64_t initial_rows = 0;           // rows of the initial state loaded
    uint64_t resumed_change_events = 0;  // change events of the earlier run (--continue)
    uint64_t change_events = 0;  // the change events Debezium makes of them (simulator's count)
                                 // (this run's: an earlier run's are in resumed_change_events)
    double seconds = 0;
    bool finished = false;
};

class OltpSimulation {
public:
    OltpSimulation(SimulatorConfig sim, OltpSimulationConfig config);

    // Connects, prepares the schema, checks/registers the connector (with a message through
    // on_note), then runs until a limit or stop. on_progress is called now and then.
    OltpProgress run(const std::atomic<bool>& stop,
                     const std::function<void(const OltpProgress&)>& on_progress,
                     const std::function<void(const std::string&)>& on_note);

private:
    SimulatorConfig sim_;
    OltpSimulationConfig config_;
};

}  // namespace tote
