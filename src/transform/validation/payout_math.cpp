#include "transform/validation/payout_math.h"

namespace tote::validation {

std::optional<int64_t> PayoutMath::product_e4(std::span<const int64_t> odds_e4) {
    if (odds_e4.empty()) return std::nullopt;
    unsigned __int128 num = 1;
    unsigned __int128 den = 1;
    for (size_t i = 0; i < odds_e4.size(); ++i) {
        if (odds_e4[i] <= 0) return std::nullopt;
        if (__builtin_mul_overflow(num, static_cast<unsigned __int128>(odds_e4[i]), &num))
            return std::nullopt;
        if (i > 0 && __builtin_mul_overflow(den, static_cast<unsigned __int128>(10000), &den))
            return std::nullopt;
    }
    unsigned __int128 q = num / den;
    unsigned __int128 r = num % den;
    if (r * 2 >= den) ++q;  // half up (r < den <= 2^127, so r * 2 does not overflow)
    if (q > static_cast<unsigned __int128>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(q);
}

std::optional<int64_t> PayoutMath::apply(int64_t stake_minor, int64_t odds_e4) {
    __int128 p = static_cast<__int128>(stake_minor) * odds_e4;
    __int128 q = p / 10000;
    if (p % 10000 != 0 && p < 0) --q;  // floor, not truncation
    if (q > INT64_MAX || q < INT64_MIN) return std::nullopt;
    return static_cast<int64_t>(q);
}

int64_t PayoutMath::dead_heat_odds_e4(int64_t odds_e4, int64_t factor_e4) {
    __int128 p = static_cast<__int128>(odds_e4) * factor_e4;
    __int128 q = p / 10000;
    if (p % 10000 != 0 && p < 0) --q;
    return static_cast<int64_t>(q);
}

}  // namespace tote::validation
