#pragma once
// Helpers for the simulator tests: run into a temporary log, read it back.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "simulate/betting_simulator.h"
#include "source/file_log_reader.h"
#include "source/file_log_writer.h"

namespace tote::simtest {

inline std::filesystem::path temp_dir(const std::string& name) {
    auto p = std::filesystem::temp_directory_path() /
             ("tote-simtest-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(p);
    return p;
}

inline SimulatorConfig small_config(uint64_t change_events) {
    SimulatorConfig c;
    c.players = 500;
    c.events = 40;
    c.max_change_events = change_events;
    return c;
}

// Runs to completion into dir; returns the simulator (for its state and ground truth).
inline void run(BettingSimulator& sim, const std::filesystem::path& dir,
                size_t max_steps = SIZE_MAX) {
    FileLogWriter w(dir);
    for (size_t i = 0; i < max_steps && sim.step(w) > 0; ++i) {
    }
}

inline std::string file_bytes(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

inline std::vector<LogRecord> read_all(const std::filesystem::path& dir) {
    FileLogReader r(dir);
    std::vector<LogRecord> out;
    while (r.poll(out, 1 << 20) > 0) {
    }
    return out;
}

}  // namespace tote::simtest
