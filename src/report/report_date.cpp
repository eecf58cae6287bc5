#include "report/report_date.h"

#include <chrono>
#include <cstdio>

namespace tote {

std::optional<int64_t> parse_report_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    auto number = [&](size_t at, size_t len) -> std::optional<int> {
        int v = 0;
        for (size_t i = at; i < at + len; ++i) {
            if (text[i] < '0' || text[i] > '9') return std::nullopt;
            v = v * 10 + (text[i] - '0');
        }
        return v;
    };
    auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
    if (!y || !m || !d || *y < 1970) return std::nullopt;
    std::chrono::year_month_day ymd{std::chrono::year{*y},
                                    std::chrono::month{static_cast<unsigned>(*m)},
                                    std::chrono::day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

std::string format_report_date(int64_t day) {
    std::chrono::year_month_day ymd{
        std::chrono::sys_days{std::chrono::days{static_cast<std::chrono::days::rep>(day)}}};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

}  // namespace tote
