#pragma once
// A live progress line on stderr: rewritten in place on a terminal, one line every few
// seconds otherwise (logs, CI).
#include <chrono>
#include <string>

namespace tote {

class ProgressLine {
public:
    ProgressLine();
    // Shows text if enough time passed since the last update (or force).
    void update(const std::string& text, bool force = false);
    // Ends the line (a newline after the last in-place update).
    void finish();

private:
    bool tty_;
    bool open_ = false;
    std::chrono::steady_clock::time_point last_{};
};

// 1234567 -> "1,234,567".
std::string with_commas(uint64_t n);

}  // namespace tote
