#pragma once
// Exact parsing of the time values a change stream carries.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tote::model {

class TimeText {
public:
    // The times the warehouse can hold: ClickHouse DateTime (UInt32 seconds, KPI hours) runs
    // from 1970-01-01T00:00:00Z to 2106-02-07T06:28:15Z on both engines, Date (FX days) to
    // 2149-06-06. A model time or day outside [kMinWarehouseUs, kMaxWarehouseUs] is a problem
    // of its record (the mapper reports it), never of the warehouse.
    static constexpr int64_t kMinWarehouseUs = 0;
    static constexpr int64_t kMaxWarehouseUs = int64_t{4294967295} * 1'000'000 + 999'999;
    static constexpr int32_t kMaxWarehouseDay = 49710;  // 2106-02-07
    static bool in_warehouse_range(int64_t us) {
        return us >= kMinWarehouseUs && us <= kMaxWarehouseUs;
    }
    static bool day_in_warehouse_range(int64_t day) { return day >= 0 && day <= kMaxWarehouseDay; }

    // ISO-8601 "YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)" (a space instead of 'T' is accepted)
    // -> µs since the epoch, UTC. Digits beyond the microsecond must be zeros (else nullopt:
    // the value would need rounding).
    static std::optional<int64_t> parse_micros(std::string_view text) {
        return parse_micros(text, std::nullopt);
    }
    // The same; a text without a zone is taken at `naive_offset_s` from UTC when one is given
    // (a mapping's formats.time_zone), else it is refused.
    static std::optional<int64_t> parse_micros(std::string_view text,
                                               std::optional<int32_t> naive_offset_s);

    // "YYYY-MM-DD" -> days since 1970-01-01.
    static std::optional<int32_t> parse_day(std::string_view text);

    // µs since the epoch -> "YYYY-MM-DDTHH:MM:SS.ffffffZ" (for messages).
    static std::string format_micros(int64_t us);

    // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
};

}  // namespace tote::model
