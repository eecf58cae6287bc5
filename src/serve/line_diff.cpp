#include "serve/line_diff.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace tote {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// One line of the edit script: ' ' kept, '-' removed (index into a), '+' added (index into b).
struct Edit {
    char op;
    size_t a, b;
};

std::vector<Edit> edits(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    size_t head = 0;
    while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
    size_t tail = 0;
    while (tail < a.size() - head && tail < b.size() - head &&
           a[a.size() - 1 - tail] == b[b.size() - 1 - tail])
        ++tail;
    const size_t n = a.size() - head - tail, m = b.size() - head - tail;
    std::vector<Edit> out;
    for (size_t i = 0; i < head; ++i) out.push_back({' ', i, i});
    if (n * m <= 4'000'000) {
        // lcs[i][j] = the LCS length of a[head+i..] and b[head+j..].
        std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
        auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (m + 1) + j]; };
        for (size_t i = n; i-- > 0;)
            for (size_t j = m; j-- > 0;)
                at(i, j) = a[head + i] == b[head + j] ? at(i + 1, j + 1) + 1
                                                      : std::max(at(i + 1, j), at(i, j + 1));
        size_t i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a[head + i] == b[head + j]) {
                out.push_back({' ', head + i++, head + j++});
            } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
                out.push_back({'-', head + i++, head + j});  // removals first, as diff -u
            } else {
                out.push_back({'+', head + i, head + j++});
            }
        }
    } else {
        for (size_t i = 0; i < n; ++i) out.push_back({'-', head + i, head});
        for (size_t j = 0; j < m; ++j) out.push_back({'+', head + n, head + j});
    }
    for (size_t k = 0; k < tail; ++k)
        out.push_back({' ', a.size() - tail + k, b.size() - tail + k});
    return out;
}

}  // namespace

std::pair<int, int> LineDiff::counts(const std::string& from_text, const std::string& to_text) {
    int added = 0, removed = 0;
    for (const auto& e : edits(lines_of(from_text), lines_of(to_text))) {
        added += e.op == '+';
        removed += e.op == '-';
    }
    return {added, removed};
}

std::string LineDiff::unified(const std::string& from_text, const std::string& to_text,
                              const std::string& from_name, const std::string& to_name,
                              int context) {
    if (from_text == to_text) return "";
    const auto a = lines_of(from_text), b = lines_of(to_text);
    const auto script = edits(a, b);
    std::string out = "--- " + from_name + "\n+++ " + to_name + "\n";
    const size_t ctx = static_cast<size_t>(std::max(context, 0));
    size_t k = 0;
    while (k < script.size()) {
        // The next change, and the hunk around it: changes closer than 2 x context join.
        while (k < script.size() && script[k].op == ' ') ++k;
        if (k == script.size()) break;
        size_t begin = k >= ctx ? k - ctx : 0;
        size_t end = k;
        size_t last_change = k;
        while (end < script.size()) {
            if (script[end].op != ' ') last_change = end;
            if (end - last_change > 2 * ctx) break;
            ++end;
        }
        end = std::min(script.size(), last_change + ctx + 1);
        size_t a_start = script[begin].a, b_start = script[begin].b, a_len = 0, b_len = 0;
        std::string body;
        for (size_t i = begin; i < end; ++i) {
            const Edit& e = script[i];
            if (e.op == ' ') {
                body += " " + a[e.a] + "\n";
                ++a_len;
                ++b_len;
            } else if (e.op == '-') {
                body += "-" + a[e.a] + "\n";
                ++a_len;
            } else {
                body += "+" + b[e.b] + "\n";
                ++b_len;
            }
        }
        // diff -u numbers an empty side by the line before it.
        out += "@@ -" + std::to_string(a_len ? a_start + 1 : a_start) + "," +
               std::to_string(a_len) + " +" + std::to_string(b_len ? b_start + 1 : b_start) + "," +
               std::to_string(b_len) + " @@\n" + body;
        k = end;
    }
    return out;
}

}  // namespace tote
