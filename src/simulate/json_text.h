#pragma once
// Text formatting shared by the Debezium emitter, the SQL dump and the ground truth: integers,
// ISO-8601 timestamps with microseconds, dates, exact decimals (string or Kafka Connect
// base64), JSON string escaping. Appends to a caller-owned buffer to avoid heap churn.
#include <cstdint>
#include <string>

#include <string_view>
#include "core/json_escape.h"

namespace tote {

void append_int(std::string& out, int64_t v);
// "2026-11-01T00:00:00.000000Z" from microseconds since the epoch.
void append_timestamp(std::string& out, int64_t epoch_us);
// "2026-11-01" from days since the epoch.
void append_date(std::string& out, int64_t epoch_days);
// Exact decimal text of unscaled * 10^-scale, zero-padded to scale digits: (-50, 2) -> "-0.50".
void append_decimal(std::string& out, int64_t unscaled, int scale);
// Base64 of the minimal big-endian two's-complement bytes of unscaled (Kafka Connect Decimal).
void append_decimal_base64(std::string& out, int64_t unscaled);

// Days since 1970-01-01 of a proleptic Gregorian date, and back.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d);

// Parses "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"; throws ToteError(Fatal) naming the bad text.
int64_t parse_timestamp_us(std::string_view text);

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

inline int64_t floor_div(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace tote
