#pragma once
// UTC calendar days as the report uses them: days since 1970-01-01 <-> "YYYY-MM-DD".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tote {

// "2025-11-24" -> days since the epoch; nullopt unless the text is exactly YYYY-MM-DD and a
// real date (month 1-12, day within the month, leap years counted), year 1970-9999.
std::optional<int64_t> parse_report_date(std::string_view text);

// Days since the epoch -> "YYYY-MM-DD".
std::string format_report_date(int64_t day);

inline constexpr int64_t kSecondsPerDay = 86400;

}  // namespace tote
