#include "model/currency.h"

#include <gtest/gtest.h>

namespace tote::model {
namespace {

TEST(Currency, ExponentsOfIso4217) {
    for (const char* c : {"UGX", "RWF", "XAF"}) EXPECT_EQ(Currency::exponent(c), 0) << c;
    for (const char* c : {"NGN", "KES", "GHS", "TZS", "ZMW", "MWK", "CDF", "EUR", "USD"})
        EXPECT_EQ(Currency::exponent(c), 2) << c;
    EXPECT_EQ(Currency::exponent("XYZ"), std::nullopt);
    EXPECT_EQ(Currency::exponent("ngn"), std::nullopt);  // codes are upper case
}

TEST(Currency, ConvertsExactDecimals) {
    EXPECT_EQ(Currency::to_minor(Decimal{1250, 2}, "NGN").value, 1250);
    EXPECT_EQ(Currency::to_minor(Decimal{125, 1}, "NGN").value, 1250);
    EXPECT_EQ(Currency::to_minor(Decimal{15, 0}, "KES").value, 1500);
    EXPECT_EQ(Currency::to_minor(Decimal{1500, 0}, "UGX").value, 1500);
    EXPECT_EQ(Currency::to_minor(Decimal{150000, 2}, "UGX").value, 1500);  // "1500.00"
    EXPECT_EQ(Currency::to_minor(Decimal{-2550, 3}, "GHS").value, -255);   // "-2.550"
    EXPECT_EQ(Currency::to_minor("12.50", "NGN").value, 1250);
    EXPECT_EQ(Currency::to_minor("-7", "XAF").value, -7);
}

TEST(Currency, RefusesInexactConversions) {
    auto r = Currency::to_minor(Decimal{12345, 3}, "NGN");
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error, "amount 12.345 NGN does not convert exactly to minor units (exponent 2)");
    r = Currency::to_minor("1.5", "UGX");
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.error, "amount 1.5 UGX does not convert exactly to minor units (exponent 0)");
    r = Currency::to_minor("10", "XYZ");
    EXPECT_EQ(r.error, "unknown currency 'XYZ' (no ISO 4217 exponent configured)");
    r = Currency::to_minor("1e3", "NGN");
    EXPECT_EQ(r.error, "'1e3' is not a plain decimal");
    r = Currency::to_minor(Decimal{static_cast<__int128>(INT64_MAX), 0}, "NGN");
    EXPECT_FALSE(r.ok());  // x100 overflows int64
}

TEST(Currency, FormatsMajorUnitsForPeople) {
    EXPECT_EQ(Currency::format_major(181825274, "GHS"), "GHS 1,818,252.74");
    EXPECT_EQ(Currency::format_major(181825274, "GHS", false), "GHS 1818252.74");
    EXPECT_EQ(Currency::format_major(-12500, "UGX"), "UGX -12,500");
    EXPECT_EQ(Currency::format_major(5, "EUR"), "EUR 0.05");
    EXPECT_EQ(Currency::format_major(-5, "KES"), "KES -0.05");
    EXPECT_EQ(Currency::format_major(0, "NGN"), "NGN 0.00");
    EXPECT_EQ(Currency::format_major(100000, "NGN"), "NGN 1,000.00");
    EXPECT_EQ(Currency::format_major(999, "NGN"), "NGN 9.99");
    EXPECT_EQ(Currency::format_major(1234, "XYZ"), "XYZ 1,234 (minor units)");
    EXPECT_EQ(Currency::format_major(INT64_MIN, "EUR"), "EUR -92,233,720,368,547,758.08");
    EXPECT_EQ(Currency::format_major(INT64_MAX, "UGX"), "UGX 9,223,372,036,854,775,807");
}

}  // namespace
}  // namespace tote::model
