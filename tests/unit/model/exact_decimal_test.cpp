#include "model/exact_decimal.h"

#include <gtest/gtest.h>

namespace tote::model {
namespace {

TEST(ExactDecimal, ParsesPlainDecimalText) {
    EXPECT_EQ(ExactDecimal::parse("1.8500").value, (Decimal{18500, 4}));
    EXPECT_EQ(ExactDecimal::parse("-12.5").value, (Decimal{-125, 1}));
    EXPECT_EQ(ExactDecimal::parse("+3").value, (Decimal{3, 0}));
    EXPECT_EQ(ExactDecimal::parse("0.0002500000").value, (Decimal{2500000, 10}));
    for (const char* bad : {"", "-", ".", "1.", "1.2.3", "1e5", " 1", "1,5", "abc"})
        EXPECT_FALSE(ExactDecimal::parse(bad).ok()) << bad;
    EXPECT_EQ(ExactDecimal::parse("1x").error, "'1x' is not a plain decimal");
    EXPECT_FALSE(ExactDecimal::parse("123456789012345678901234567890123456789").ok());
}

TEST(ExactDecimal, ScalesExactlyOrRefuses) {
    EXPECT_EQ(ExactDecimal::to_scaled(Decimal{185, 2}, 4).value, 18500);
    EXPECT_EQ(ExactDecimal::to_scaled(Decimal{185000, 5}, 4).value, 18500);
    EXPECT_EQ(ExactDecimal::to_scaled(Decimal{-3, 0}, 4).value, -30000);
    auto r = ExactDecimal::to_scaled(Decimal{123456, 5}, 4);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error, "1.23456 has more than 4 decimals: it would need rounding");
    r = ExactDecimal::to_scaled(Decimal{static_cast<__int128>(1) << 100, 0}, 0);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error.find("is out of range"), std::string::npos);
    EXPECT_FALSE(ExactDecimal::to_scaled(Decimal{INT64_MAX, 0}, 1).ok());
    EXPECT_EQ(ExactDecimal::to_scaled(Decimal{INT64_MIN, 0}, 0).value, INT64_MIN);
}

}  // namespace
}  // namespace tote::model
