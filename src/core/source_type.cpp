#include "core/source_type.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace tote {

std::string SourceType::text() const {
    switch (kind) {
        case Kind::Integer:
            return "int" + std::to_string(bits);
        case Kind::Float:
            return bits == 32 ? "float32" : "float64";
        case Kind::Boolean:
            return "boolean";
        case Kind::String:
            return "string";
        case Kind::Bytes:
            return "bytes";
        case Kind::Decimal:
            return "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    }
    return "string";
}

ColumnType SourceType::landing() const {
    switch (kind) {
        case Kind::Integer:
            return ColumnType{ColumnKind::Int64, 0};
        case Kind::Float:
            return ColumnType{ColumnKind::Float64, 0};
        case Kind::Boolean:
            return ColumnType{ColumnKind::Bool, 0};
        case Kind::String:
        case Kind::Bytes:
            return ColumnType{ColumnKind::String, 0};
        case Kind::Decimal:
            return ColumnType{ColumnKind::Decimal, scale};
    }
    return ColumnType{};
}

namespace {

bool read_int(std::string_view s, int32_t& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

std::optional<SourceType> fail(std::string* why, std::string text) {
    if (why) *why = std::move(text);
    return std::nullopt;
}

}  // namespace

std::optional<SourceType> parse_source_type(std::string_view raw, std::string* why) {
    std::string t;
    for (char c : raw)
        if (!std::isspace(static_cast<unsigned char>(c)))
            t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    using K = SourceType::Kind;
    auto integer = [](int bits) { return SourceType{K::Integer, bits, 0, 0}; };
    if (t == "int8") return integer(8);
    if (t == "int16" || t == "smallint") return integer(16);
    if (t == "int32" || t == "integer" || t == "int") return integer(32);
    if (t == "int64" || t == "bigint") return integer(64);
    if (t == "float32" || t == "real") return SourceType{K::Float, 32, 0, 0};
    if (t == "float64" || t == "double" || t == "doubleprecision") return SourceType{K::Float};
    if (t == "boolean" || t == "bool") return SourceType{K::Boolean};
    if (t == "string" || t == "text") return SourceType{K::String};
    if (t == "bytes") return SourceType{K::Bytes};
    for (std::string_view prefix : {"decimal(", "numeric("}) {
        if (t.rfind(prefix, 0) != 0) continue;
        const std::string_view args =
            std::string_view(t).substr(prefix.size(), t.size() - prefix.size());
        const auto comma = args.find(',');
        if (args.empty() || args.back() != ')' || comma == std::string_view::npos)
            return fail(why,
                        "'" + std::string(raw) + "': expected decimal(P,S), e.g. decimal(18,2)");
        int32_t p = 0, s = 0;
        if (!read_int(args.substr(0, comma), p) ||
            !read_int(args.substr(comma + 1, args.size() - comma - 2), s) || p < 1 || p > 38 ||
            s < 0 || s > p)
            return fail(
                why, "'" + std::string(raw) + "': precision must be 1..38 and scale 0..precision");
        return SourceType{K::Decimal, 0, p, s};
    }
    return fail(why, "unknown type '" + std::string(raw) +
                         "' (known: int8, int16, int32, int64, float32, float64, boolean, "
                         "string, bytes, decimal(P,S); SQL names smallint, integer, bigint, real, "
                         "double, bool, text, numeric(P,S))");
}

}  // namespace tote
