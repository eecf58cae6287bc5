#include "model/currency.h"

#include <array>
#include <string>
#include <utility>

#include "model/exact_decimal.h"

namespace tote::model {

namespace {

constexpr std::array<std::pair<std::string_view, int32_t>, 15> kExponents = {{
    {"NGN", 2},
    {"KES", 2},
    {"GHS", 2},
    {"UGX", 0},
    {"TZS", 2},
    {"ZMW", 2},
    {"RWF", 0},
    {"MWK", 2},
    {"XAF", 0},
    {"CDF", 2},
    {"EUR", 2},
    {"GBP", 2},
    {"USD", 2},
    {"SEK", 2},
    {"NOK", 2},
}};

}  // namespace

std::string Currency::format_major(int64_t minor, std::string_view code,
                                   bool thousands_separators) {
    const std::optional<int32_t> e = exponent(code);
    const int32_t digits = e.value_or(0);
    // |minor| without overflow at INT64_MIN.
    const uint64_t m = minor < 0 ? ~static_cast<uint64_t>(minor) + 1 : static_cast<uint64_t>(minor);
    uint64_t scale = 1;
    for (int32_t i = 0; i < digits; ++i) scale *= 10;
    std::string whole = std::to_string(m / scale);
    if (thousands_separators) {
        std::string grouped;
        grouped.reserve(whole.size() + whole.size() / 3);
        for (size_t i = 0; i < whole.size(); ++i) {
            if (i > 0 && (whole.size() - i) % 3 == 0) grouped.push_back(',');
            grouped.push_back(whole[i]);
        }
        whole = std::move(grouped);
    }
    std::string out(code);
    out += ' ';
    if (minor < 0) out += '-';
    out += whole;
    if (digits > 0) {
        std::string fraction = std::to_string(m % scale);
        out += '.';
        out.append(static_cast<size_t>(digits) - fraction.size(), '0');
        out += fraction;
    }
    if (!e) out += " (minor units)";
    return out;
}

std::optional<int32_t> Currency::exponent(std::string_view code) {
    for (const auto& [c, e] : kExponents)
        if (c == code) return e;
    if (code == "USD") return 2;
    return std::nullopt;
}

Converted<int64_t> Currency::to_minor(const Decimal& major, std::string_view code) {
    auto e = exponent(code);
    if (!e)
        return Converted<int64_t>::failure("unknown currency '" + std::string(code) +
                                           "' (no ISO 4217 exponent configured)");
    auto r = ExactDecimal::to_scaled(major, *e);
    if (!r.ok())
        return Converted<int64_t>::failure("amount " + to_string(major) + " " + std::string(code) +
                                           " does not convert exactly to minor units (exponent " +
                                           std::to_string(*e) + ")");
    return r;
}

Converted<int64_t> Currency::to_minor(std::string_view major_text, std::string_view code) {
    auto d = ExactDecimal::parse(major_text);
    if (!d.ok()) return Converted<int64_t>::failure(d.error);
    return to_minor(*d.value, code);
}

}  // namespace tote::model
