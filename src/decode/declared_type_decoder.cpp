#include "decode/declared_type_decoder.h"

#include <cmath>

#include "decode/decimal_codec.h"

namespace tote {

void add_declared_scales(const std::vector<DeclaredColumn>& columns,
                         std::map<std::string, int32_t>& decimal_scales) {
    for (const auto& c : columns)
        if (c.type.kind == SourceType::Kind::Decimal)
            decimal_scales.emplace(c.table.substr(c.table.rfind('.') + 1) + "." + c.column,
                                   c.type.scale);
}

DeclaredTypeDecoder::DeclaredTypeDecoder(std::unique_ptr<Decoder> inner,
                                         const std::vector<DeclaredColumn>& columns,
                                         DecimalMode mode)
    : inner_(std::move(inner)), mode_(mode) {
    for (const auto& c : columns) tables_[c.table].emplace(c.column, c);  // the first one wins
}

DecodeResult DeclaredTypeDecoder::decode(const LogRecord& record) {
    DecodeResult r;
    decode_into(record, r);
    return r;
}

void DeclaredTypeDecoder::decode_into(const LogRecord& record, DecodeResult& result) {
    inner_->decode_into(record, result);
    auto* ev = std::get_if<ChangeEvent>(&result);
    if (!ev || tables_.empty()) return;
    std::optional<std::string> err;
    if (ev->before) err = apply(ev->table, "before", *ev->before);
    if (!err && ev->after) err = apply(ev->table, "after", *ev->after);
    if (err) result = DecodeFailure{std::move(*err)};
}

const DeclaredColumn* DeclaredTypeDecoder::find(const std::string& table,
                                                const std::string& column) const {
    auto t = tables_.find(table);
    if (t == tables_.end()) {
        const auto dot = table.rfind('.');
        if (dot == std::string::npos) return nullptr;
        t = tables_.find(std::string_view(table).substr(dot + 1));
        if (t == tables_.end()) return nullptr;
    }
    auto c = t->second.find(column);
    return c == t->second.end() ? nullptr : &c->second;
}

std::optional<std::string> DeclaredTypeDecoder::apply(const std::string& table, const char* image,
                                                      RowImage& row) {
    for (Field& f : row.fields) {
        if (f.declared) continue;  // the message's value schema typed it
        const DeclaredColumn* d = find(table, f.name);
        if (!d) continue;
        if (auto why = convert(f, *d, mode_))
            return "column " + table + "." + f.name + " in " + image + ": " + *why;
    }
    return std::nullopt;
}

namespace {

std::string describe(const Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return "'" + *s + "' (a string)";
    if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i) + " (an integer)";
    if (const auto* d = std::get_if<double>(&v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        return std::string(buf) + " (a floating-point number)";
    }
    if (const auto* b = std::get_if<bool>(&v))
        return std::string(*b ? "true" : "false") + " (a boolean)";
    if (const auto* d = std::get_if<Decimal>(&v)) return to_string(*d) + " (a decimal)";
    return "a value";
}

// 10^n for n in 0..38.
__int128 pow10(int32_t n) {
    __int128 p = 1;
    while (n-- > 0) p *= 10;
    return p;
}

// `d` at `scale` exactly, within `precision` digits; an error text otherwise.
std::optional<std::string> rescale(Decimal& d, int32_t precision, int32_t scale) {
    if (d.scale > scale) {
        const __int128 f = pow10(d.scale - scale);
        if (d.unscaled % f != 0) return "more decimals than its scale " + std::to_string(scale);
        d.unscaled /= f;
    } else if (d.scale < scale) {
        const __int128 f = pow10(scale - d.scale);
        const __int128 limit = pow10(38) / f;
        if (d.unscaled >= limit || d.unscaled <= -limit) return "more than 38 digits";
        d.unscaled *= f;
    }
    d.scale = scale;
    const __int128 max = pow10(precision);
    if (d.unscaled >= max || d.unscaled <= -max)
        return "more than its precision of " + std::to_string(precision) + " digits";
    return std::nullopt;
}

}  // namespace

std::optional<std::string> DeclaredTypeDecoder::convert(Field& f, const DeclaredColumn& declared,
                                                        DecimalMode mode) {
    const SourceType& t = declared.type;
    f.type = t.landing();
    f.declared = true;
    if (std::holds_alternative<NullValue>(f.value) ||
        std::holds_alternative<UnavailableValue>(f.value))
        return std::nullopt;
    auto misfit = [&](const std::string& why) -> std::optional<std::string> {
        return "value " + describe(f.value) + " does not fit the declared type " + t.text() + " (" +
               declared.origin + "): " + why;
    };
    using K = SourceType::Kind;
    switch (t.kind) {
        case K::Integer: {
            int64_t x = 0;
            if (const auto* i = std::get_if<int64_t>(&f.value)) {
                x = *i;
            } else if (const auto* d = std::get_if<Decimal>(&f.value)) {
                Decimal whole = *d;
                if (rescale(whole, 38, 0) || whole.unscaled > INT64_MAX ||
                    whole.unscaled < INT64_MIN)
                    return misfit("expected an integer");
                x = static_cast<int64_t>(whole.unscaled);
            } else {
                return misfit("expected an integer");
            }
            if (t.bits < 64) {
                const int64_t limit = int64_t{1} << (t.bits - 1);
                if (x < -limit || x >= limit)
                    return misfit("outside " + std::to_string(-limit) + ".." +
                                  std::to_string(limit - 1));
            }
            f.value = x;
            return std::nullopt;
        }
        case K::Float: {
            if (std::holds_alternative<double>(f.value)) return std::nullopt;
            if (const auto* i = std::get_if<int64_t>(&f.value)) {
                const double x = static_cast<double>(*i);
                if (std::abs(*i) > (int64_t{1} << 53)) return misfit("not exact as a double");
                f.value = x;
                return std::nullopt;
            }
            return misfit("expected a number");
        }
        case K::Boolean:
            if (std::holds_alternative<bool>(f.value)) return std::nullopt;
            return misfit("expected true or false");
        case K::String:
        case K::Bytes:
            if (std::holds_alternative<std::string>(f.value)) return std::nullopt;
            return misfit("expected a string");
        case K::Decimal: {
            Decimal d;
            if (const auto* dec = std::get_if<Decimal>(&f.value)) {
                d = *dec;
            } else if (const auto* i = std::get_if<int64_t>(&f.value)) {
                d = Decimal{*i, 0};
            } else if (const auto* s = std::get_if<std::string>(&f.value)) {
                if (mode == DecimalMode::Precise) {
                    if (auto err = decode_connect_decimal(*s, t.scale, d))
                        return misfit(*err +
                                      " (decimal mode precise: base64 of the unscaled value)");
                } else if (!is_plain_decimal_text(*s)) {
                    return misfit(
                        "not a plain decimal (decimal mode string; if the connector writes "
                        "decimal.handling.mode=precise, set the decimal mode to precise)");
                } else if (auto err = parse_decimal_text(*s, t.scale, d)) {
                    return misfit(*err);
                }
            } else if (std::holds_alternative<double>(f.value)) {
                return misfit(
                    "a floating-point number is not exact (decimal.handling.mode=double); "
                    "configure the connector with decimal.handling.mode=string or precise");
            } else {
                return misfit("expected a decimal");
            }
            if (auto err = rescale(d, t.precision, t.scale)) return misfit(*err);
            f.value = d;
            return std::nullopt;
        }
    }
    return misfit("unknown declared type");
}

}  // namespace tote
