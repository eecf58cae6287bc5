#include <gtest/gtest.h>

#include "core/value.h"

namespace tote {

TEST(DecimalText, ExactForms) {
    EXPECT_EQ(to_string(Decimal{0, 2}), "0.00");
    EXPECT_EQ(to_string(Decimal{-1234, 2}), "-12.34");
    EXPECT_EQ(to_string(Decimal{5, 4}), "0.0005");
    EXPECT_EQ(to_string(Decimal{-5, 0}), "-5");
    __int128 big = static_cast<__int128>(123456789012345678LL) * 10;
    EXPECT_EQ(to_string(Decimal{big, 2}), "12345678901234567.80");
    __int128 min = static_cast<__int128>(static_cast<unsigned __int128>(1) << 127);
    EXPECT_EQ(to_string(Decimal{min, 0}), "-170141183460469231731687303715884105728");
}

TEST(ClickHouseType, AllNullable) {
    EXPECT_EQ(clickhouse_type({ColumnKind::Decimal, 4}), "Nullable(Decimal(38, 4))");
    EXPECT_EQ(clickhouse_type({ColumnKind::Int64, 0}), "Nullable(Int64)");
}

}  // namespace tote
