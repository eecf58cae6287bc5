#pragma once
// Exact decimal arithmetic for odds, rates and money: decimal text and tote::Decimal to a
// fixed-scale int64 (e.g. odds x 10^4), refusing anything that would need rounding.
#include <cstdint>
#include <string_view>

#include "core/value.h"
#include "model/converted.h"

namespace tote::model {

inline constexpr int32_t kOddsScale = 4;     // odds, total odds, dead-heat factors: x 10^4
inline constexpr int32_t kFxRateScale = 10;  // FX rates: x 10^10
inline constexpr int32_t kLineScale = 2;     // handicap lines: x 10^2

class ExactDecimal {
public:
    // Plain decimal text: optional sign, digits, optional '.' and digits ("-12.50", "3", "0.0025").
    // No exponent, no spaces, at most 38 digits.
    static Converted<Decimal> parse(std::string_view text);

    // value x 10^scale as an int64, exactly: "1.85" at scale 4 is 18500; "1.23456" at scale 4
    // fails (it would need rounding), as does anything outside int64.
    static Converted<int64_t> to_scaled(const Decimal& value, int32_t scale);

    // 10^n for 0 <= n <= 18.
    static int64_t pow10(int32_t n);
};

}  // namespace tote::model
