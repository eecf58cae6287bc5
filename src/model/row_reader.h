#pragma once
// Typed, exact reads of the columns of one row image for the mapper. The first problem is kept
// as a MappingError (table, key, column, problem); after it every read returns a default and the
// caller checks error() once at the end.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/value.h"
#include "model/betting_mapping.h"
#include "model/mapping_error.h"

namespace tote::model {

class RowReader {
public:
    RowReader(const RowImage& row, std::string_view table, std::string_view key,
              const SourceFormats& formats = {})
        : row_(row), table_(table), key_(key), formats_(formats) {}

    // Integers: an int64, a decimal with no fraction, or decimal text with no fraction.
    int64_t integer(const std::string& column);
    std::optional<int64_t> optional_integer(const std::string& column);

    std::string text(const std::string& column);
    std::optional<std::string> optional_text(const std::string& column);

    // ISO-8601 text with a zone (Debezium ZonedTimestamp; without one when the formats give the
    // zone), or an int64 in the formats' integer time unit since the epoch (default µs, Debezium
    // MicroTimestamp) -> µs since the epoch, UTC.
    int64_t time_us(const std::string& column);
    std::optional<int64_t> optional_time_us(const std::string& column);

    // A date: int64 days since the epoch (Debezium Date) or "YYYY-MM-DD".
    int32_t day(const std::string& column);

    // An exact decimal (tote::Decimal, decimal text or an integer) as int64 x 10^scale.
    // A double is refused: it is not exact.
    int64_t scaled(const std::string& column, int32_t scale);
    std::optional<int64_t> optional_scaled(const std::string& column, int32_t scale);

    // Decimal odds x 10^4 (model::kOddsScale), read as the formats say (exact decimals, or
    // integers with an implied scale).
    int64_t odds(const std::string& column);
    std::optional<int64_t> optional_odds(const std::string& column);

    // Money in minor units: MoneyUnit::Minor takes an exact integer; MoneyUnit::Major converts a
    // decimal in major units with the ISO 4217 exponent of currency, refusing inexact values.
    int64_t money(const std::string& column, MoneyUnit unit, std::string_view currency);
    std::optional<int64_t> optional_money(const std::string& column, MoneyUnit unit,
                                          std::string_view currency);

    // A text (or integer, compared as its decimal text) looked up in a value map.
    template <class E>
    E enumerated(const std::string& column, const ValueMap<E>& map) {
        const Value* v = required(column);
        return v ? lookup(column, *v, map) : E{};
    }
    template <class E>
    std::optional<E> optional_enumerated(const std::string& column, const ValueMap<E>& map) {
        const Value* v = optional(column);
        if (!v) return std::nullopt;
        return lookup(column, *v, map);
    }

    bool ok() const { return !error_.has_value(); }
    const std::optional<MappingError>& error() const { return error_; }

    // Records a problem (only the first one is kept).
    void fail(const std::string& column, std::string problem);

private:
    // The value of a required column; nullptr (and an error) when unconfigured, absent, null or
    // unavailable.
    const Value* required(const std::string& column);
    // nullptr when the column is not configured or null; an error when configured but absent
    // or unavailable.
    const Value* optional(const std::string& column);

    std::optional<int64_t> integer_of(const std::string& column, const Value& v);
    std::optional<std::string> text_of(const std::string& column, const Value& v);
    std::optional<int64_t> time_of(const std::string& column, const Value& v);
    std::optional<int64_t> scaled_of(const std::string& column, const Value& v, int32_t scale);
    std::optional<int64_t> money_of(const std::string& column, const Value& v, MoneyUnit unit,
                                    std::string_view currency);

    template <class E>
    E lookup(const std::string& column, const Value& v, const ValueMap<E>& map) {
        std::string s;
        if (const auto* t = std::get_if<std::string>(&v))
            s = *t;
        else if (const auto* i = std::get_if<int64_t>(&v))
            s = std::to_string(*i);
        else {
            fail(column, "expected a text value, got " + describe(v));
            return E{};
        }
        auto it = map.find(s);
        if (it != map.end()) return it->second;
        std::string known;
        for (const auto& [k, e] : map) known += (known.empty() ? "" : ", ") + k;
        fail(column, "unknown value '" + s + "' (mapped values: " + known + ")");
        return E{};
    }

    static std::string describe(const Value& v);

    std::optional<int64_t> odds_of(const std::string& column, const Value& v);

    const RowImage& row_;
    std::string_view table_;
    std::string_view key_;
    const SourceFormats& formats_;
    std::optional<MappingError> error_;
};

}  // namespace tote::model
