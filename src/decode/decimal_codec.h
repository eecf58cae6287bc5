#pragma once
// Exact decimal conversions used by the decoders. Nothing here rounds: a value that cannot be
// represented exactly is reported as an error text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/value.h"

namespace tote {

// ClickHouse Decimal(38, S): at most 38 digits, scale 0..38.
inline constexpr int32_t kMaxDecimalDigits = 38;

// Standard base64 (RFC 4648 alphabet, '=' padding, length a multiple of 4) into out.
// false when the text is not such base64.
bool decode_base64(std::string_view in, std::string& out);

// Kafka Connect Decimal / Debezium precise mode: base64 of the big-endian two's-complement
// unscaled value. Returns an error text, or nullopt when out holds the value.
std::optional<std::string> decode_connect_decimal(std::string_view base64, int32_t scale,
                                                  Decimal& out);

// Plain decimal text ("-12.5", "10", "0.001"; no exponent) at the given scale: "10.1" at scale 2
// is 1010. More fraction digits than the scale are accepted only when they are zeros.
// Returns an error text, or nullopt when out holds the value.
std::optional<std::string> parse_decimal_text(std::string_view text, int32_t scale, Decimal& out);

// True when text is a plain decimal as parse_decimal_text accepts (any number of decimals).
bool is_plain_decimal_text(std::string_view text);

}  // namespace tote
