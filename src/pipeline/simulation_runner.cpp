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

std::optional<int64_t> SimulationRunner::pause(std::chrono::milliseconds timeout,
                                               std::chrono::milliseconds lease) {
    std::unique_lock lock(mu_);
    if (!running_) return std::nullopt;
    pause_requested_ = true;
    lease_until_ = std::chrono::steady_clock::now() + timeout + lease;
    if (!cv_.wait_for(lock, timeout, [&] { return paused_ || !running_; }) || !paused_) {
        pause_requested_ = false;
        return std::nullopt;
    }
    return paused_at_;
}

void SimulationRunner::resume() {
    std::lock_guard lock(mu_);
    pause_requested_ = false;
    cv_.notify_all();
}

void SimulationRunner::honour_pause(FileLogWriter& writer, const std::atomic<bool>& stop) {
    std::unique_lock lock(mu_);
    if (!pause_requested_) return;
    lock.unlock();
    write_truth(writer);  // flushes: the log and the truth end at the same transaction
    lock.lock();
    paused_ = true;
    paused_at_ = writer.next_offset().value;
    cv_.notify_all();
    while (pause_requested_ && !stop.load() && std::chrono::steady_clock::now() < lease_until_)
        cv_.wait_for(lock, std::chrono::milliseconds(100));
    pause_requested_ = false;
    paused_ = false;
}

SimulationProgress SimulationRunner::run(
    const std::atomic<bool>& stop,
    const std::function<void(const SimulationProgress&)>& on_progress) {
    using Clock = std::chrono::steady_clock;
    FileLogWriter writer(config_.log_dir);
    // The log ends at a transaction boundary (we flush only there), so regenerating exactly
    // that many records puts the simulator where it stopped.
    sim_.fast_forward(writer.next_offset().value);

    {
        std::lock_guard lock(mu_);
        running_ = true;
    }
    struct NotRunning {
        SimulationRunner& r;
        ~NotRunning() {
            std::lock_guard lock(r.mu_);
            r.running_ = false;
            r.cv_.notify_all();
        }
    } not_running{*this};
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
        honour_pause(writer, stop);
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
        if (config_.rate > 0 || (steps & 1023) == 0) report();
    }
    write_truth(writer);
    writer.sync();
    report();
    return progress;
}

}  // namespace tote
