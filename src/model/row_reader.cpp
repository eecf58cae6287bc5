#include "model/row_reader.h"

#include <limits>

#include "model/currency.h"
#include "model/exact_decimal.h"
#include "model/time_text.h"

namespace tote::model {

namespace {

constexpr const char* kDoubleProblem =
    "arrived as a floating-point number, which is not exact (use "
    "decimal.handling.mode=string or precise)";

}  // namespace

void RowReader::fail(const std::string& column, std::string problem) {
    if (!error_)
        error_ = MappingError{std::string(table_), std::string(key_), column, std::move(problem)};
}

std::string RowReader::describe(const Value& v) {
    struct V {
        std::string operator()(const NullValue&) const { return "null"; }
        std::string operator()(int64_t i) const { return "integer " + std::to_string(i); }
        std::string operator()(double) const { return "a floating-point number"; }
        std::string operator()(bool b) const { return b ? "boolean true" : "boolean false"; }
        std::string operator()(const std::string& s) const { return "text '" + s + "'"; }
        std::string operator()(const Decimal& d) const { return "decimal " + to_string(d); }
        std::string operator()(const UnavailableValue&) const {
            return "the unchanged-TOAST placeholder";
        }
    };
    return std::visit(V{}, v);
}

const Value* RowReader::required(const std::string& column) {
    if (error_) return nullptr;
    if (column.empty()) {
        fail(column, "no source column configured for a required field");
        return nullptr;
    }
    const Field* f = row_.find(column);
    if (!f) {
        fail(column, "missing column (the mapping names it, the row does not have it)");
        return nullptr;
    }
    if (std::holds_alternative<NullValue>(f->value)) {
        fail(column, "null in a required field");
        return nullptr;
    }
    if (std::holds_alternative<UnavailableValue>(f->value)) {
        fail(column, "value unavailable (unchanged TOAST column): the latest value is not known");
        return nullptr;
    }
    return &f->value;
}

const Value* RowReader::optional(const std::string& column) {
    if (error_ || column.empty()) return nullptr;
    const Field* f = row_.find(column);
    if (!f) {
        fail(column, "missing column (the mapping names it, the row does not have it)");
        return nullptr;
    }
    if (std::holds_alternative<NullValue>(f->value)) return nullptr;
    if (std::holds_alternative<UnavailableValue>(f->value)) {
        fail(column, "value unavailable (unchanged TOAST column): the latest value is not known");
        return nullptr;
    }
    return &f->value;
}

std::optional<int64_t> RowReader::integer_of(const std::string& column, const Value& v) {
    if (const auto* i = std::get_if<int64_t>(&v)) return *i;
    Converted<int64_t> r;
    if (const auto* d = std::get_if<Decimal>(&v)) {
        r = ExactDecimal::to_scaled(*d, 0);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
        auto p = ExactDecimal::parse(*s);
        r = p.ok() ? ExactDecimal::to_scaled(*p.value, 0) : Converted<int64_t>::failure(p.error);
    } else {
        fail(column, "expected an integer, got " + describe(v));
        return std::nullopt;
    }
    if (!r.ok()) {
        fail(column, "expected an integer: " + r.error);
        return std::nullopt;
    }
    return r.value;
}

std::optional<std::string> RowReader::text_of(const std::string& column, const Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    fail(column, "expected text, got " + describe(v));
    return std::nullopt;
}

std::optional<int64_t> RowReader::time_of(const std::string& column, const Value& v) {
    std::optional<int64_t> t;
    if (const auto* i = std::get_if<int64_t>(&v)) {
        int64_t us = 0;
        if (__builtin_mul_overflow(*i, formats_.integer_time_unit_us, &us)) {
            fail(column, "integer timestamp " + std::to_string(*i) + " is out of range");
            return std::nullopt;
        }
        t = us;
    } else if (const auto* s = std::get_if<std::string>(&v)) {
        t = TimeText::parse_micros(*s);
        const auto& zone = formats_.naive_time_zone;
        if (!t && zone) {
            // No zone in the text: a wall-clock time in the mapping's zone.
            if (auto wall = TimeText::parse_micros(*s, 0)) {
                auto utc = zone->to_utc_us(*wall, formats_.ambiguous_time);
                if (const auto* problem = std::get_if<std::string>(&utc)) {
                    fail(column, "'" + *s + "': " + *problem);
                    return std::nullopt;
                }
                t = std::get<int64_t>(utc);
            }
        }
        if (!t)
            fail(column, "'" + *s +
                             (zone ? "' is not an ISO-8601 timestamp with at most microsecond "
                                     "precision"
                                   : "' is not an ISO-8601 timestamp with a zone and at most "
                                     "microsecond precision (a mapping can state the zone of "
                                     "zone-less times: formats.time_zone)"));
    } else {
        fail(column, "expected a timestamp, got " + describe(v));
    }
    if (t && !TimeText::in_warehouse_range(*t)) {
        fail(column, TimeText::format_micros(*t) +
                         " is outside the range the warehouse can hold (1970-01-01T00:00:00Z .. "
                         "2106-02-07T06:28:15Z, ClickHouse DateTime): fix the row in the source");
        return std::nullopt;
    }
    return t;
}

std::optional<int64_t> RowReader::scaled_of(const std::string& column, const Value& v,
                                            int32_t scale) {
    Converted<int64_t> r;
    if (const auto* d = std::get_if<Decimal>(&v)) {
        r = ExactDecimal::to_scaled(*d, scale);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
        auto p = ExactDecimal::parse(*s);
        r = p.ok() ? ExactDecimal::to_scaled(*p.value, scale)
                   : Converted<int64_t>::failure(p.error);
    } else if (const auto* i = std::get_if<int64_t>(&v)) {
        r = ExactDecimal::to_scaled(Decimal{*i, 0}, scale);
    } else if (std::holds_alternative<double>(v)) {
        fail(column, kDoubleProblem);
        return std::nullopt;
    } else {
        fail(column, "expected a decimal, got " + describe(v));
        return std::nullopt;
    }
    if (!r.ok()) {
        fail(column, "inexact decimal: " + r.error);
        return std::nullopt;
    }
    return r.value;
}

std::optional<int64_t> RowReader::money_of(const std::string& column, const Value& v,
                                           MoneyUnit unit, std::string_view currency) {
    if (std::holds_alternative<double>(v)) {
        fail(column, std::string("money ") + kDoubleProblem);
        return std::nullopt;
    }
    if (unit == MoneyUnit::Minor) {
        if (!std::holds_alternative<int64_t>(v) && !std::holds_alternative<Decimal>(v) &&
            !std::holds_alternative<std::string>(v)) {
            fail(column, "expected money in minor units, got " + describe(v));
            return std::nullopt;
        }
        Converted<int64_t> r;
        if (const auto* i = std::get_if<int64_t>(&v)) return *i;
        if (const auto* d = std::get_if<Decimal>(&v)) {
            r = ExactDecimal::to_scaled(*d, 0);
        } else {
            auto p = ExactDecimal::parse(std::get<std::string>(v));
            r = p.ok() ? ExactDecimal::to_scaled(*p.value, 0)
                       : Converted<int64_t>::failure(p.error);
        }
        if (!r.ok()) {
            fail(column, "inexact money: minor units must be whole: " + r.error);
            return std::nullopt;
        }
        return r.value;
    }
    Converted<int64_t> r;
    if (const auto* d = std::get_if<Decimal>(&v)) {
        r = Currency::to_minor(*d, currency);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
        r = Currency::to_minor(*s, currency);
    } else if (const auto* i = std::get_if<int64_t>(&v)) {
        r = Currency::to_minor(Decimal{*i, 0}, currency);
    } else {
        fail(column, "expected money in major units, got " + describe(v));
        return std::nullopt;
    }
    if (!r.ok()) {
        fail(column, "inexact money: " + r.error);
        return std::nullopt;
    }
    return r.value;
}

int64_t RowReader::integer(const std::string& column) {
    const Value* v = required(column);
    return v ? integer_of(column, *v).value_or(0) : 0;
}

std::optional<int64_t> RowReader::optional_integer(const std::string& column) {
    const Value* v = optional(column);
    return v ? integer_of(column, *v) : std::nullopt;
}

std::string RowReader::text(const std::string& column) {
    const Value* v = required(column);
    return v ? text_of(column, *v).value_or("") : "";
}

std::optional<std::string> RowReader::optional_text(const std::string& column) {
    const Value* v = optional(column);
    return v ? text_of(column, *v) : std::nullopt;
}

int64_t RowReader::time_us(const std::string& column) {
    const Value* v = required(column);
    return v ? time_of(column, *v).value_or(0) : 0;
}

std::optional<int64_t> RowReader::optional_time_us(const std::string& column) {
    const Value* v = optional(column);
    return v ? time_of(column, *v) : std::nullopt;
}

int32_t RowReader::day(const std::string& column) {
    const Value* v = required(column);
    if (!v) return 0;
    std::optional<int64_t> day;
    std::string shown;
    if (const auto* i = std::get_if<int64_t>(v)) {
        day = *i;
        shown = "day " + std::to_string(*i);
    } else if (const auto* s = std::get_if<std::string>(v)) {
        day = TimeText::parse_day(*s);
        if (!day) fail(column, "'" + *s + "' is not a date YYYY-MM-DD");
        shown = "day " + *s;
    } else {
        fail(column, "expected a date, got " + describe(*v));
    }
    if (!day) return 0;
    if (!TimeText::day_in_warehouse_range(*day)) {
        fail(column, shown +
                         " is outside the range the warehouse can hold (1970-01-01 .. "
                         "2106-02-07): fix the row in the source");
        return 0;
    }
    return static_cast<int32_t>(*day);
}

int64_t RowReader::scaled(const std::string& column, int32_t scale) {
    const Value* v = required(column);
    return v ? scaled_of(column, *v, scale).value_or(0) : 0;
}

std::optional<int64_t> RowReader::optional_scaled(const std::string& column, int32_t scale) {
    const Value* v = optional(column);
    return v ? scaled_of(column, *v, scale) : std::nullopt;
}

std::optional<int64_t> RowReader::odds_of(const std::string& column, const Value& v) {
    if (formats_.odds_integer_scale < 0) return scaled_of(column, v, kOddsScale);
    // Integers with an implied scale: 250 at scale 2 is 2.50.
    std::optional<int64_t> i = integer_of(column, v);
    if (!i) return std::nullopt;
    auto r = ExactDecimal::to_scaled(Decimal{*i, formats_.odds_integer_scale}, kOddsScale);
    if (!r.ok()) {
        fail(column, "inexact odds: " + r.error);
        return std::nullopt;
    }
    return r.value;
}

int64_t RowReader::odds(const std::string& column) {
    const Value* v = required(column);
    return v ? odds_of(column, *v).value_or(0) : 0;
}

std::optional<int64_t> RowReader::optional_odds(const std::string& column) {
    const Value* v = optional(column);
    return v ? odds_of(column, *v) : std::nullopt;
}

int64_t RowReader::money(const std::string& column, MoneyUnit unit, std::string_view currency) {
    const Value* v = required(column);
    return v ? money_of(column, *v, unit, currency).value_or(0) : 0;
}

std::optional<int64_t> RowReader::optional_money(const std::string& column, MoneyUnit unit,
                                                 std::string_view currency) {
    const Value* v = optional(column);
    return v ? money_of(column, *v, unit, currency) : std::nullopt;
}

}  // namespace tote::model
