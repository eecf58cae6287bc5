#pragma once
// Exact parsing of the time values a change stream carries.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tote::model {

class TimeText {
public:
    // ISO-8601 "YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)" (a space instead of 'T' is accepted)
    // -> µs since the epoch, UTC. Digits beyond the microsecond must be zeros (else nullopt:
    // the value would need rounding).
    static std::optional<int64_t> parse_micros(std::string_view text);

    // "YYYY-MM-DD" -> days since 1970-01-01.
    static std::optional<int32_t> parse_day(std::string_view text);

    // µs since the epoch -> "YYYY-MM-DDTHH:MM:SS.ffffffZ" (for messages).
    static std::string format_micros(int64_t us);

    // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
};

}  // namespace tote::model
