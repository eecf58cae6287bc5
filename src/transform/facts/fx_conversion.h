#pragma once
// Conversion of minor units of a currency to the reporting currency's cents (EUR, 2 decimals),
// exact integers only:
//
//   eur_cents = round_half_even(minor x rate_e10 x 10^(2 - exponent) / 10^10)
//             = round_half_even(minor x rate_e10 / 10^(8 + exponent))
//
// where rate_e10 is EUR per ONE MAJOR unit x 10^10 (fx_rates.rate_to_eur, numeric(20,10)) of
// the UTC day the fact belongs to (a bet's placement day, a ledger row's creation day) and
// exponent is the currency's ISO 4217 minor-unit exponent (model::Currency). The product is
// formed in 128 bits; ties (exactly half a cent) go to the even cent, for either sign.
// Examples: 1000 NGN minor (₦10.00) at 0.0006000000 -> 0.6 cents -> 1; 1500 UGX at
// 0.0002500000 -> 37.5 cents -> 38; 2500 UGX at the same rate -> 62.5 -> 62.
#include <cstdint>
#include <optional>
#include <string_view>

namespace tote::facts {

class FxConversion {
public:
    // nullopt when the currency's exponent is unknown or the result does not fit int64.
    static std::optional<int64_t> to_eur_cents(int64_t minor, int64_t rate_e10,
                                               std::string_view currency);
    // The UTC day (days since 1970-01-01) of a time in µs since the epoch (floor division).
    static int32_t day_of(int64_t us);
};

}  // namespace tote::facts
