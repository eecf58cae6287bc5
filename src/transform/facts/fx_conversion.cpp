#include "transform/facts/fx_conversion.h"

#include <limits>

#include "model/currency.h"

namespace tote::facts {

std::optional<int64_t> FxConversion::to_eur_cents(int64_t minor, int64_t rate_e10,
                                                  std::string_view currency) {
    auto exponent = model::Currency::exponent(currency);
    if (!exponent || *exponent < 0 || *exponent > 10) return std::nullopt;
    __int128 den = 1;
    for (int32_t i = 0; i < 8 + *exponent; ++i) den *= 10;
    const __int128 num = static_cast<__int128>(minor) * rate_e10;
    __int128 q = num / den;  // truncates toward zero
    __int128 r = num % den;  // same sign as num
    const __int128 twice = (r < 0 ? -r : r) * 2;
    if (twice > den || (twice == den && q % 2 != 0)) q += num < 0 ? -1 : 1;
    if (q > std::numeric_limits<int64_t>::max() || q < std::numeric_limits<int64_t>::min())
        return std::nullopt;
    return static_cast<int64_t>(q);
}

int32_t FxConversion::day_of(int64_t us) {
    constexpr int64_t kMicrosPerDay = int64_t{86'400} * 1'000'000;
    int64_t d = us / kMicrosPerDay;
    if (us % kMicrosPerDay < 0) --d;
    return static_cast<int32_t>(d);
}

}  // namespace tote::facts
