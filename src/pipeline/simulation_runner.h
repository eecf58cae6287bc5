#pragma once
// Drives the simulator into the embedded log: continues an existing log where it ends, flushes
// only at transaction boundaries, optionally paced to a wall-clock rate, and keeps the ground
// truth file current.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>

#include "simulate/betting_simulator.h"
#include "source/file_log_writer.h"

namespace tote {

struct SimulationRunnerConfig {
    std::filesystem::path log_dir;
    std::filesystem::path ground_truth_path;
    uint64_t max_change_events = 0;  // total in the log; 0 = until stopped
    double rate = 0;                 // change events per wall-clock second; 0 = as fast as possible
    std::chrono::milliseconds ground_truth_every{1000};  // rewrite the file this often (paced runs)
};

struct SimulationProgress {
    uint64_t records = 0;        // records in the log
    uint64_t change_events = 0;  // change events in the log
    double seconds = 0;
    bool finished = false;
};

class SimulationRunner {
public:
    SimulationRunner(SimulatorConfig sim_config, SimulationRunnerConfig config);

    // Runs until max_change_events, the simulator's end, or stop. on_progress is called now
    // and then from this thread.
    SimulationProgress run(const std::atomic<bool>& stop,
                           const std::function<void(const SimulationProgress&)>& on_progress = {});

private:
    void write_truth(FileLogWriter& writer);

    BettingSimulator sim_;
    SimulationRunnerConfig config_;
};

}  // namespace tote
