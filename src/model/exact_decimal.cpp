#include "model/exact_decimal.h"

#include <string>

namespace tote::model {

namespace {

constexpr int kMaxDigits = 38;

unsigned __int128 pow10_u128(int32_t n) {
    unsigned __int128 p = 1;
    for (int32_t i = 0; i < n; ++i) p *= 10;
    return p;
}

}  // namespace

int64_t ExactDecimal::pow10(int32_t n) {
    int64_t p = 1;
    for (int32_t i = 0; i < n; ++i) p *= 10;
    return p;
}

namespace {
// "'text'" + what, built by appends (gcc 12 reports a false -Wrestrict for "'" + string).
std::string quoted(std::string_view text, std::string_view what) {
    std::string out;
    out.reserve(text.size() + what.size() + 2);
    out.push_back('\'');
    out.append(text);
    out.push_back('\'');
    out.append(what);
    return out;
}
}  // namespace

Converted<Decimal> ExactDecimal::parse(std::string_view text) {
    auto fail = [&] {
        return Converted<Decimal>::failure(quoted(text, " is not a plain decimal"));
    };
    size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
    __int128 unscaled = 0;
    int digits = 0;
    int32_t scale = 0;
    bool seen_point = false;
    bool any_digit = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c == '.' && !seen_point) {
            seen_point = true;
            continue;
        }
        if (c < '0' || c > '9') return fail();
        any_digit = true;
        if (unscaled != 0 || c != '0') ++digits;
        if (digits > kMaxDigits)
            return Converted<Decimal>::failure(quoted(text, " has more than 38 digits"));
        unscaled = unscaled * 10 + (c - '0');
        if (seen_point) ++scale;
    }
    if (!any_digit || (seen_point && text.back() == '.')) return fail();
    return Converted<Decimal>::success(Decimal{negative ? -unscaled : unscaled, scale});
}

Converted<int64_t> ExactDecimal::to_scaled(const Decimal& value, int32_t scale) {
    if (scale < 0 || scale > 18 || value.scale < 0 || value.scale > kMaxDigits)
        return Converted<int64_t>::failure("scale out of range");
    __int128 v = value.unscaled;
    if (value.scale > scale) {
        __int128 div = static_cast<__int128>(pow10_u128(value.scale - scale));
        if (v % div != 0)
            return Converted<int64_t>::failure(to_string(value) + " has more than " +
                                               std::to_string(scale) +
                                               " decimals: it would need rounding");
        v /= div;
    } else if (value.scale < scale) {
        __int128 mul = static_cast<__int128>(pow10_u128(scale - value.scale));
        if (__builtin_mul_overflow(v, mul, &v))
            return Converted<int64_t>::failure(to_string(value) + " is out of range");
    }
    if (v > INT64_MAX || v < INT64_MIN)
        return Converted<int64_t>::failure(to_string(value) + " is out of range");
    return Converted<int64_t>::success(static_cast<int64_t>(v));
}

}  // namespace tote::model
