#include "cli/progress_line.h"

#include <unistd.h>

#include <cstdio>

namespace tote {

ProgressLine::ProgressLine() : tty_(::isatty(STDERR_FILENO) == 1) {}

void ProgressLine::update(const std::string& text, bool force) {
    auto now = std::chrono::steady_clock::now();
    auto every = tty_ ? std::chrono::milliseconds(250) : std::chrono::milliseconds(5000);
    if (!force && last_.time_since_epoch().count() != 0 && now - last_ < every) return;
    last_ = now;
    if (tty_) {
        std::fprintf(stderr, "\r\033[K%s", text.c_str());
        open_ = true;
    } else {
        std::fprintf(stderr, "%s\n", text.c_str());
    }
    std::fflush(stderr);
}

void ProgressLine::finish() {
    if (open_) std::fprintf(stderr, "\n");
    open_ = false;
}

std::string with_commas(uint64_t n) {
    const std::string digits = std::to_string(n);
    std::string out;
    out.reserve(digits.size() + digits.size() / 3);
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(digits[i]);
    }
    return out;
}

}  // namespace tote
