#pragma once
// ISO 4217 minor-unit exponents of the currencies tote knows, and exact conversion of a decimal
// amount in major units to integer minor units. A conversion that is not exact is refused.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/value.h"
#include "model/converted.h"

namespace tote::model {

class Currency {
public:
    // UGX, RWF, XAF: 0; NGN, KES, GHS, TZS, ZMW, MWK, CDF, EUR, USD: 2; anything else: nullopt.
    static std::optional<int32_t> exponent(std::string_view code);

    // major x 10^exponent(code), exactly: 12.5 NGN -> 1250; 12.345 NGN and 1.5 UGX are refused.
    static Converted<int64_t> to_minor(const Decimal& major, std::string_view code);
    // The same from plain decimal text ("12.50").
    static Converted<int64_t> to_minor(std::string_view major_text, std::string_view code);

    // Minor units -> major units for people, exactly (no floating point): "GHS 1,818,252.74",
    // "UGX -12,500", "EUR 0.05". Without thousands separators: "GHS 1818252.74". A currency
    // without a known exponent shows its minor units: "XYZ 1,234 (minor units)".
    static std::string format_major(int64_t minor, std::string_view code,
                                    bool thousands_separators = true);
};

}  // namespace tote::model
