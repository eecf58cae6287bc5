#include "decode/decimal_codec.h"

#include <gtest/gtest.h>

namespace tote {
namespace {

std::string decode(std::string_view b64, int32_t scale) {
    Decimal d;
    if (auto err = decode_connect_decimal(b64, scale, d)) return "error: " + *err;
    return to_string(d);
}

std::string text(std::string_view t, int32_t scale) {
    Decimal d;
    if (auto err = parse_decimal_text(t, scale, d)) return "error: " + *err;
    return to_string(d);
}

TEST(DecimalCodec, ConnectDecimalValuesFromTheCaptures) {
    EXPECT_EQ(decode("AA==", 2), "0.00");
    EXPECT_EQ(decode("JxE=", 4), "1.0001");
    EXPECT_EQ(decode("AbabS6Yw804=", 2), "1234567890123456.78");
    EXPECT_EQ(decode("DeC2s6dj//8=", 2), "9999999999999999.99");
    EXPECT_EQ(decode("AlQL4/8=", 4), "999999.9999");
    EXPECT_EQ(decode("/do=", 2), "-5.50");
    EXPECT_EQ(decode("/w==", 2), "-0.01");
    EXPECT_EQ(decode("A/I=", 2), "10.10");
    EXPECT_EQ(decode("TiA=", 4), "2.0000");
    EXPECT_EQ(decode("Mg==", 2), "0.50");
}

TEST(DecimalCodec, ConnectDecimalLimits) {
    // 16 bytes: -2^127 has 39 digits: too wide for Decimal(38).
    EXPECT_EQ(decode("gAAAAAAAAAAAAAAAAAAAAA==", 0), "error: decimal has more than 38 digits");
    // 10^38 - 1 = 0x4B3B4CA85A86C47A098A223FFFFFFFFF fits.
    EXPECT_EQ(decode("SztMqFqGxHoJiiI//////w==", 0), "99999999999999999999999999999999999999");
    // Redundant sign-extension bytes are fine: 17 bytes 0xFF... = -1.
    EXPECT_EQ(decode("//////////////////////8=", 1), "-0.1");
    EXPECT_EQ(decode("AQAAAAAAAAAAAAAAAAAAAAA=", 0),
              "error: decimal of 17 bytes does not fit 128 bits (more than 38 digits)");
    EXPECT_EQ(decode("", 2), "error: empty decimal bytes");
    EXPECT_EQ(decode("A=A=", 2), "error: 'A=A=' is not base64 of a decimal's unscaled value");
    EXPECT_EQ(decode("AAA", 2), "error: 'AAA' is not base64 of a decimal's unscaled value");
    EXPECT_EQ(decode("AA==", 39), "error: scale 39 is outside 0..38");
}

TEST(DecimalCodec, DecimalText) {
    EXPECT_EQ(text("10.1", 2), "10.10");
    EXPECT_EQ(text("-0.01", 2), "-0.01");
    EXPECT_EQ(text("7", 2), "7.00");
    EXPECT_EQ(text("1.500", 2), "1.50");
    EXPECT_EQ(text("1.505", 2), "error: '1.505' has more than 2 decimals: it would be rounded");
    EXPECT_EQ(text("1e5", 2), "error: '1e5' is not a plain decimal number");
    EXPECT_EQ(text(".5", 2), "error: '.5' is not a plain decimal number");
    EXPECT_EQ(text("5.", 2), "error: '5.' is not a plain decimal number");
    EXPECT_EQ(text("", 2), "error: '' is not a plain decimal number");
    EXPECT_EQ(text("99999999999999999999999999999999999999", 0),
              "99999999999999999999999999999999999999");
    EXPECT_EQ(text("9999999999999999999999999999999999999", 1),
              "9999999999999999999999999999999999999.0");
    EXPECT_EQ(text("99999999999999999999999999999999999999", 1),
              "error: decimal has more than 38 digits");
    EXPECT_TRUE(is_plain_decimal_text("12.50"));
    EXPECT_FALSE(is_plain_decimal_text("Awk="));
    EXPECT_FALSE(is_plain_decimal_text("-"));
}

TEST(DecimalCodec, Base64) {
    std::string out;
    EXPECT_TRUE(decode_base64("aGVsbG8=", out));
    EXPECT_EQ(out, "hello");
    EXPECT_TRUE(decode_base64("", out));
    EXPECT_EQ(out, "");
    EXPECT_FALSE(decode_base64("aGVsbG8", out));
    EXPECT_FALSE(decode_base64("a===", out));
    EXPECT_FALSE(decode_base64("aG$s", out));
}

}  // namespace
}  // namespace tote
