#include "model/time_text.h"

#include <cstdio>

namespace tote::model {

namespace {

bool digits(std::string_view s, size_t pos, size_t n, int64_t& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

unsigned days_in_month(int64_t y, int64_t m) {
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : kDays[m - 1];
}

// "YYYY-MM-DD" at the start of s.
bool date_part(std::string_view s, int64_t& y, int64_t& m, int64_t& d) {
    if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
    if (!digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d)) return false;
    return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

}  // namespace

int64_t TimeText::days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string TimeText::format_micros(int64_t us) {
    int64_t secs = us >= 0 ? us / 1'000'000 : -((-us + 999'999) / 1'000'000);
    int64_t micros = us - secs * 1'000'000;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - days * 86400;
    // civil_from_days (Howard Hinnant)
    int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) ++y;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%06lldZ",
                  static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                  static_cast<long long>(sod / 3600), static_cast<long long>(sod / 60 % 60),
                  static_cast<long long>(sod % 60), static_cast<long long>(micros));
    return buf;
}

std::optional<int32_t> TimeText::parse_day(std::string_view text) {
    int64_t y = 0, m = 0, d = 0;
    if (text.size() != 10 || !date_part(text, y, m, d)) return std::nullopt;
    return static_cast<int32_t>(
        days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
}

std::optional<int64_t> TimeText::parse_micros(std::string_view s,
                                              std::optional<int32_t> naive_offset_s) {
    int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (!date_part(s, y, mo, d)) return std::nullopt;
    if (s.size() < 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    if (!digits(s, 11, 2, h) || !digits(s, 14, 2, mi) || !digits(s, 17, 2, se)) return std::nullopt;
    if (h > 23 || mi > 59 || se > 59) return std::nullopt;
    size_t pos = 19;
    int64_t micros = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        size_t n = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (n < 6)
                micros = micros * 10 + (s[pos] - '0');
            else if (s[pos] != '0')
                return std::nullopt;  // sub-microsecond precision would be lost
            ++pos;
            ++n;
        }
        if (n == 0 || n > 9) return std::nullopt;
        for (; n < 6; ++n) micros *= 10;
    }
    int64_t offset_s = 0;
    if (pos < s.size() && s[pos] == 'Z') {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int64_t oh = 0, om = 0;
        if (pos + 6 > s.size() || s[pos + 3] != ':' || !digits(s, pos + 1, 2, oh) ||
            !digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offset_s = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
        pos += 6;
    } else if (naive_offset_s) {
        offset_s = *naive_offset_s;  // the mapping states the zone of zone-less times
    } else {
        return std::nullopt;  // a time without a zone is ambiguous
    }
    if (pos != s.size()) return std::nullopt;
    int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - offset_s;
    return secs * 1'000'000 + micros;
}

}  // namespace tote::model
