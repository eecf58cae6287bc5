#pragma once
// A cumulative histogram with fixed upper bounds, as Prometheus exposes one (`_bucket{le=...}`,
// `_sum`, `_count`). Small and copyable: progress snapshots carry it by value.
#include <cstdint>
#include <utility>
#include <vector>

namespace tote {

class Histogram {
public:
    explicit Histogram(std::vector<double> upper_bounds = {})
        : bounds_(std::move(upper_bounds)), counts_(bounds_.size(), 0) {}

    void observe(double v) {
        for (size_t i = 0; i < bounds_.size(); ++i)
            if (v <= bounds_[i]) ++counts_[i];
        ++count_;
        sum_ += v;
    }

    const std::vector<double>& bounds() const { return bounds_; }
    // Observations at or below bounds()[i] (cumulative, as Prometheus wants).
    const std::vector<uint64_t>& cumulative_counts() const { return counts_; }
    uint64_t count() const { return count_; }
    double sum() const { return sum_; }

    // Seconds, from 5 ms to 60 s.
    static std::vector<double> latency_bounds() {
        return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    }

private:
    std::vector<double> bounds_;
    std::vector<uint64_t> counts_;
    uint64_t count_ = 0;
    double sum_ = 0;
};

}  // namespace tote
