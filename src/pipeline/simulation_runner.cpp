#include "pipeline/simulation_runner.h"

#include <thread>

namespace tote {

SimulationRunner::SimulationRunner(SimulatorConfig sim_config, SimulationRunnerConfig config)
    : sim_(std::move(sim_config)), config_(std::move(config)) {}

void SimulationRunner::write_truth(FileLogWriter& writer) {
    writer.flush();
    GroundTruth truth = sim_.ground_truth();
    auto tmp = config_.ground_truth_path;
    tmp += ".tmp";
    write_ground_truth(truth, tmp);
    std::filesystem::rename(tmp, config_.ground_truth_path);  // readers never see half a file
}

SimulationProgress SimulationRunner::run(
    const std::atomic<bool>& stop,
    const std::function<void(const SimulationProgress&)>& on_progress) {
    using Clock = std::chrono::steady_clock;
    FileLogWriter writer(config_.log_dir);
    // The log ends at a transaction boundary (we flush only there), so regenerating exactly
    // that many records puts the simulator where it stopped.
    sim_.fast_forward(writer.next_offset().value);

    SimulationProgress progress;
    const auto started = Clock::now();
    auto last_truth = started;
    const uint64_t events_at_start = sim_.change_events_emitted();
    auto report = [&] {
        progress.records = sim_.records_emitted();
        progress.change_events = sim_.change_events_emitted();
        progress.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        progress.finished = sim_.finished();
        if (on_progress) on_progress(progress);
    };
    uint64_t steps = 0;
    while (!stop.load(std::memory_order_relaxed) && !sim_.finished() &&
           (config_.max_change_events == 0 ||
            sim_.change_events_emitted() < config_.max_change_events)) {
        sim_.step(writer);
        ++steps;
        if (config_.rate > 0) {
            writer.flush();  // paced: every transaction visible at once
            const double due_s =
                static_cast<double>(sim_.change_events_emitted() - events_at_start) / config_.rate;
            const auto due = started + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(due_s));
            if (due > Clock::now()) std::this_thread::sleep_until(due);  // pacing, not sync
            if (Clock::now() - last_truth >= config_.ground_truth_every) {
                write_truth(writer);
                last_truth = Clock::now();
            }
        } else if (writer.buffered_bytes() >= (4u << 20)) {
            writer.flush();
        }
        if ((steps & 1023) == 0) report();
    }
    write_truth(writer);
    writer.sync();
    report();
    return progress;
}

}  // namespace tote
