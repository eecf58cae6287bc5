#include "serve/query_parameters.h"

#include <cctype>
#include <charconv>
#include <cstdint>

#include "sink/sql_text.h"

namespace tote {
namespace {

bool is_identifier(const std::string& s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
}

bool leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// Visits `sql`, calling on_placeholder(begin, end, name, type) for each `{name:Type}` outside
// quoted literals, quoted identifiers and comments.
template <class F>
void scan(const std::string& sql, F on_placeholder) {
    size_t i = 0;
    const size_t n = sql.size();
    while (i < n) {
        const char c = sql[i];
        if (c == '\'' || c == '"' || c == '`') {
            // A quoted literal or identifier: \x escapes, a doubled quote is one quote.
            ++i;
            while (i < n) {
                if (sql[i] == '\\') {
                    i += 2;
                } else if (sql[i] == c) {
                    if (i + 1 < n && sql[i + 1] == c) {
                        i += 2;
                    } else {
                        ++i;
                        break;
                    }
                } else {
                    ++i;
                }
            }
        } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
            while (i < n && sql[i] != '\n') ++i;
        } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
            const size_t end = sql.find("*/", i + 2);
            i = end == std::string::npos ? n : end + 2;
        } else if (c == '{') {
            const size_t close = sql.find('}', i);
            const size_t colon = sql.find(':', i);
            if (close != std::string::npos && colon != std::string::npos && colon < close) {
                std::string name = sql.substr(i + 1, colon - i - 1);
                std::string type = sql.substr(colon + 1, close - colon - 1);
                if (is_identifier(name) && is_identifier(type)) {
                    on_placeholder(i, close + 1, name, type);
                    i = close + 1;
                    continue;
                }
            }
            ++i;
        } else {
            ++i;
        }
    }
}

}  // namespace

bool QueryParameters::known_type(const std::string& type) {
    return type == "String" || type == "Date" || type == "Int64" || type == "UInt64" ||
           type == "Float64";
}

std::optional<std::string> QueryParameters::literal(const std::string& type,
                                                    const std::string& value, std::string& why) {
    if (type == "String") {
        if (value.find('\0') != std::string::npos) {
            why = "a text value may not contain a NUL character";
            return std::nullopt;
        }
        return sql_string(value);  // quotes and backslashes escaped
    }
    if (type == "Date") {
        int y = 0, m = 0, d = 0;
        const bool shape = value.size() == 10 && value[4] == '-' && value[7] == '-';
        auto num = [&](size_t at, size_t len, int& out) {
            auto [p, ec] = std::from_chars(value.data() + at, value.data() + at + len, out);
            return ec == std::errc() && p == value.data() + at + len;
        };
        if (!shape || !num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d) || m < 1 || m > 12 || d < 1 ||
            y < 1970 || y > 2105) {
            why = "'" + value + "' is not a date YYYY-MM-DD between 1970 and 2105";
            return std::nullopt;
        }
        static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (d > kDays[m - 1] + (m == 2 && leap(y) ? 1 : 0)) {
            why = "'" + value + "' is not a day of the calendar";
            return std::nullopt;
        }
        return "toDate('" + value + "')";
    }
    if (type == "Int64" || type == "UInt64") {
        if (type == "Int64") {
            int64_t v = 0;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
            if (value.empty() || ec != std::errc() || p != value.data() + value.size()) {
                why = "'" + value + "' is not an integer (Int64)";
                return std::nullopt;
            }
            return std::to_string(v);
        }
        uint64_t v = 0;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (value.empty() || ec != std::errc() || p != value.data() + value.size()) {
            why = "'" + value + "' is not a non-negative integer (UInt64)";
            return std::nullopt;
        }
        return std::to_string(v);
    }
    if (type == "Float64") {
        // A plain decimal: optional sign, digits, optional fraction; nothing else.
        size_t i = value.size() > 0 && value[0] == '-' ? 1 : 0;
        size_t digits = 0, dots = 0;
        for (; i < value.size(); ++i) {
            if (value[i] == '.') {
                ++dots;
            } else if (std::isdigit(static_cast<unsigned char>(value[i]))) {
                ++digits;
            } else {
                digits = 0;
                break;
            }
        }
        if (digits == 0 || dots > 1 || value.size() > 40) {
            why = "'" + value + "' is not a decimal number";
            return std::nullopt;
        }
        return "toFloat64('" + value + "')";
    }
    why = "type " + type + " is not one tote binds (String, Date, Int64, UInt64, Float64)";
    return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> QueryParameters::placeholders(
    const std::string& sql) {
    std::vector<std::pair<std::string, std::string>> out;
    scan(sql, [&](size_t, size_t, const std::string& name, const std::string& type) {
        out.emplace_back(name, type);
    });
    return out;
}

BoundQuery QueryParameters::bind(const std::string& sql,
                                 const std::vector<QueryParameter>& declared,
                                 const std::map<std::string, std::string>& values) {
    BoundQuery out;
    for (const auto& [name, _] : values) {
        bool known = false;
        for (const auto& p : declared) known = known || p.name == name;
        if (!known) {
            out.error = "parameter '" + name + "' is not declared by this query";
            return out;
        }
    }
    size_t copied = 0;
    scan(sql, [&](size_t begin, size_t end, const std::string& name, const std::string& type) {
        if (!out.error.empty()) return;
        out.sql.append(sql, copied, begin - copied);
        copied = end;
        const QueryParameter* p = nullptr;
        for (const auto& d : declared)
            if (d.name == name) p = &d;
        if (!p) {
            out.error = "placeholder {" + name + ":" + type + "} names no declared parameter";
            return;
        }
        if (p->type != type) {
            out.error = "placeholder {" + name + ":" + type +
                        "} has another type than its "
                        "declaration (" +
                        p->type + ")";
            return;
        }
        auto it = values.find(name);
        if ((it == values.end() || it->second.empty()) && p->required && p->default_value.empty()) {
            out.error = "parameter '" + name + "' (" + type + ") is required";
            return;
        }
        const std::string value =
            it == values.end() || it->second.empty() ? p->default_value : it->second;
        std::string why;
        auto lit = literal(type, value, why);
        if (!lit) {
            out.error = "parameter '" + name + "': " + why;
            return;
        }
        out.sql += *lit;
    });
    if (!out.error.empty()) {
        out.sql.clear();
        return out;
    }
    out.sql.append(sql, copied, std::string::npos);
    return out;
}

}  // namespace tote
