#include "transform/facts/key_text.h"

#include <charconv>

namespace tote::facts {

namespace {

// The raw value text of "column" in a flat JSON object, quotes stripped; nullopt when absent.
std::optional<std::string_view> raw(std::string_view key, std::string_view column) {
    std::string needle;
    needle.reserve(column.size() + 3);
    needle += '"';
    needle += column;
    needle += "\":";
    size_t at = key.find(needle);
    if (at == std::string_view::npos) return std::nullopt;
    size_t start = at + needle.size();
    while (start < key.size() && key[start] == ' ') ++start;
    if (start >= key.size()) return std::nullopt;
    if (key[start] == '"') {
        size_t end = key.find('"', start + 1);
        if (end == std::string_view::npos) return std::nullopt;
        return key.substr(start + 1, end - start - 1);
    }
    size_t end = start;
    while (end < key.size() && key[end] != ',' && key[end] != '}' && key[end] != ' ') ++end;
    return key.substr(start, end - start);
}

}  // namespace

std::optional<int64_t> KeyText::integer(std::string_view key, std::string_view column) {
    auto v = raw(key, column);
    if (!v || v->empty()) return std::nullopt;
    int64_t out = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc{} || p != v->data() + v->size()) return std::nullopt;
    return out;
}

std::optional<std::string> KeyText::text(std::string_view key, std::string_view column) {
    auto v = raw(key, column);
    if (!v) return std::nullopt;
    return std::string(*v);
}

}  // namespace tote::facts
