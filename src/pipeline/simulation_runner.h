#pragma once
// Drives the simulator into the embedded log: continues an existing log where it ends, flushes
// only at transaction boundaries, optionally paced to a wall-clock rate, and keeps the ground
// truth file current.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>

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

    // Asks a running run() to pause at the next transaction boundary, write the ground truth
    // for that point and wait. Returns the log offset it paused at (the truth's offset), or
    // nullopt if run() did not pause within the timeout (not running, or finished).
    // The pause ends with resume(), or by itself after `lease` so a lost caller cannot stall
    // the workload forever.
    std::optional<int64_t> pause(std::chrono::milliseconds timeout,
                                 std::chrono::milliseconds lease = std::chrono::seconds(120));
    void resume();

private:
    void write_truth(FileLogWriter& writer);
    void honour_pause(FileLogWriter& writer, const std::atomic<bool>& stop);

    std::mutex mu_;
    std::condition_variable cv_;
    bool pause_requested_ = false;
    bool paused_ = false;
    bool running_ = false;
    int64_t paused_at_ = 0;
    std::chrono::steady_clock::time_point lease_until_{};

    BettingSimulator sim_;
    SimulationRunnerConfig config_;
};

}  // namespace tote
