#include "simulate/json_text.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace tote {
namespace {

std::string dec(int64_t v, int scale) {
    std::string s;
    append_decimal(s, v, scale);
    return s;
}
std::string b64(int64_t v) {
    std::string s;
    append_decimal_base64(s, v);
    return s;
}

TEST(JsonText, DecimalStringsPadTheScale) {
    EXPECT_EQ(dec(0, 2), "0.00");
    EXPECT_EQ(dec(10001, 4), "1.0001");
    EXPECT_EQ(dec(-550, 2), "-5.50");
    EXPECT_EQ(dec(-1, 2), "-0.01");
    EXPECT_EQ(dec(123456789012345678, 2), "1234567890123456.78");
    EXPECT_EQ(dec(2500000, 10), "0.0002500000");
    EXPECT_EQ(dec(-50, 2), "-0.50");
    EXPECT_EQ(dec(7, 0), "7");
}

// Expected strings are the precise-mode values of d_decimal_precise.jsonl.
TEST(JsonText, Base64MatchesKafkaConnectDecimal) {
    EXPECT_EQ(b64(0), "AA==");
    EXPECT_EQ(b64(10001), "JxE=");
    EXPECT_EQ(b64(123456789012345678), "AbabS6Yw804=");
    EXPECT_EQ(b64(9999999999), "AlQL4/8=");
    EXPECT_EQ(b64(-550), "/do=");
    EXPECT_EQ(b64(-1), "/w==");
    EXPECT_EQ(b64(1010), "A/I=");
    EXPECT_EQ(b64(20000), "TiA=");
    EXPECT_EQ(b64(50), "Mg==");
    EXPECT_EQ(b64(128), "AIA=");
    EXPECT_EQ(b64(-128), "gA==");
}

TEST(JsonText, TimestampsRoundTrip) {
    std::string s;
    int64_t us = parse_timestamp_us("2026-11-01T00:00:00Z");
    append_timestamp(s, us);
    EXPECT_EQ(s, "2026-11-01T00:00:00.000000Z");
    s.clear();
    append_timestamp(s, parse_timestamp_us("2026-01-03T23:59:59.999999Z"));
    EXPECT_EQ(s, "2026-01-03T23:59:59.999999Z");
    s.clear();
    append_date(s, floor_div(us, kMicrosPerDay));
    EXPECT_EQ(s, "2026-11-01");
    EXPECT_THROW(parse_timestamp_us("2026-11-01 00:00:00"), ToteError);
    EXPECT_THROW(parse_timestamp_us("2026-13-01T00:00:00Z"), ToteError);
}

TEST(JsonText, EscapesStrings) {
    std::string s;
    append_json_string(s, "a\"b\\c\n");
    EXPECT_EQ(s, R"("a\"b\\c\n")");  // Jackson writes the short escapes
}

}  // namespace
}  // namespace tote
