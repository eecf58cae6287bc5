#include "decode/decimal_codec.h"

#include <array>

namespace tote {
namespace {

using u128 = unsigned __int128;

constexpr u128 pow10_u128(int n) {
    u128 v = 1;
    for (int i = 0; i < n; ++i) v *= 10;
    return v;
}

constexpr u128 kDecimalLimit = pow10_u128(kMaxDecimalDigits);  // exclusive bound of |unscaled|

constexpr std::array<int8_t, 256> make_base64_table() {
    std::array<int8_t, 256> t{};
    for (auto& x : t) x = -1;
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < alphabet.size(); ++i)
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
    return t;
}

constexpr std::array<int8_t, 256> kBase64 = make_base64_table();

// 'text' (at most 64 characters), built by appending: GCC 12 -O3 warns falsely (-Wrestrict)
// about operator+ chains that start with a literal.
std::string quote(std::string_view text) {
    std::string out;
    out.reserve(66);
    out += '\'';
    out.append(text.substr(0, 64));
    out += '\'';
    return out;
}

std::string scale_error(int32_t scale) {
    return "scale " + std::to_string(scale) + " is outside 0.." + std::to_string(kMaxDecimalDigits);
}

}  // namespace

bool decode_base64(std::string_view in, std::string& out) {
    out.clear();
    if (in.size() % 4 != 0) return false;
    size_t pad = 0;
    if (!in.empty() && in.back() == '=') ++pad;
    if (in.size() >= 2 && in[in.size() - 2] == '=') ++pad;
    out.reserve(in.size() / 4 * 3);
    for (size_t i = 0; i < in.size(); i += 4) {
        bool last = i + 4 == in.size();
        uint32_t acc = 0;
        for (size_t j = 0; j < 4; ++j) {
            char c = in[i + j];
            int v;
            if (c == '=') {
                if (!last || j < 4 - pad) return false;
                v = 0;
            } else {
                v = kBase64[static_cast<unsigned char>(c)];
                if (v < 0) return false;
            }
            acc = (acc << 6) | static_cast<uint32_t>(v);
        }
        size_t bytes = last ? 3 - pad : 3;
        for (size_t j = 0; j < bytes; ++j)
            out.push_back(static_cast<char>((acc >> (16 - 8 * j)) & 0xFF));
    }
    return true;
}

std::optional<std::string> decode_connect_decimal(std::string_view base64, int32_t scale,
                                                  Decimal& out) {
    if (scale < 0 || scale > kMaxDecimalDigits) return scale_error(scale);
    std::string bytes;
    if (!decode_base64(base64, bytes))
        return quote(base64) + " is not base64 of a decimal's unscaled value";
    if (bytes.empty()) return "empty decimal bytes";
    // Drop sign-extension bytes that do not change the value.
    size_t start = 0;
    while (bytes.size() - start > 1) {
        auto b0 = static_cast<unsigned char>(bytes[start]);
        auto b1 = static_cast<unsigned char>(bytes[start + 1]);
        if ((b0 == 0x00 && !(b1 & 0x80)) || (b0 == 0xFF && (b1 & 0x80)))
            ++start;
        else
            break;
    }
    if (bytes.size() - start > 16)
        return "decimal of " + std::to_string(bytes.size() - start) +
               " bytes does not fit 128 bits (more than 38 digits)";
    bool negative = static_cast<unsigned char>(bytes[start]) & 0x80;
    u128 v = negative ? ~u128{0} : 0;
    for (size_t i = start; i < bytes.size(); ++i)
        v = (v << 8) | static_cast<unsigned char>(bytes[i]);
    u128 magnitude = negative ? ~v + 1 : v;
    if (magnitude >= kDecimalLimit) return "decimal has more than 38 digits";
    out.unscaled = static_cast<__int128>(v);
    out.scale = scale;
    return std::nullopt;
}

bool is_plain_decimal_text(std::string_view t) {
    size_t i = 0;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    size_t int_digits = 0, frac_digits = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i, ++int_digits;
    if (i < t.size() && t[i] == '.') {
        ++i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i, ++frac_digits;
        if (frac_digits == 0) return false;
    }
    return i == t.size() && int_digits > 0;
}

std::optional<std::string> parse_decimal_text(std::string_view text, int32_t scale, Decimal& out) {
    if (scale < 0 || scale > kMaxDecimalDigits) return scale_error(scale);
    if (!is_plain_decimal_text(text)) return quote(text) + " is not a plain decimal number";
    size_t i = 0;
    bool negative = false;
    if (text[i] == '-' || text[i] == '+') negative = text[i++] == '-';
    u128 v = 0;
    int32_t frac = 0;
    bool in_frac = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c == '.') {
            in_frac = true;
            continue;
        }
        if (in_frac) {
            if (frac == scale) {
                if (c != '0')
                    return quote(text) + " has more than " + std::to_string(scale) +
                           " decimals: it would be rounded";
                continue;
            }
            ++frac;
        }
        v = v * 10 + static_cast<unsigned>(c - '0');
        if (v >= kDecimalLimit) return "decimal has more than 38 digits";
    }
    for (; frac < scale; ++frac) {
        v *= 10;
        if (v >= kDecimalLimit) return "decimal has more than 38 digits";
    }
    out.unscaled = negative ? -static_cast<__int128>(v) : static_cast<__int128>(v);
    out.scale = scale;
    return std::nullopt;
}

}  // namespace tote
