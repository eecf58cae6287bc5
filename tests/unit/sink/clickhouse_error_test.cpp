#include "sink/clickhouse_error.h"

#include <gtest/gtest.h>

namespace tote {
namespace {

TEST(ClickHouseError, ReadsTheCodeOfBothDialects) {
    EXPECT_EQ(clickhouse_error_code("Code: 60, e.displayText() = DB::Exception: Table x doesn't "
                                    "exist., e.what() = DB::Exception"),
              60);
    EXPECT_EQ(clickhouse_error_code("Code: 252. DB::Exception: Too many parts"), 252);
    EXPECT_EQ(clickhouse_error_code("no code here"), std::nullopt);
}

TEST(ClickHouseError, BusyCodesAreRetriableSqlErrorsFatal) {
    EXPECT_EQ(classify_clickhouse_code(252), ErrorClass::Retriable);
    EXPECT_EQ(classify_clickhouse_code(202), ErrorClass::Retriable);
    EXPECT_EQ(classify_clickhouse_code(60), ErrorClass::Fatal);
    EXPECT_EQ(classify_clickhouse_code(62), ErrorClass::Fatal);
}

TEST(ClickHouseError, StatementHeadIsOneShortLine) {
    EXPECT_EQ(statement_head("SELECT\n1", 200), "SELECT 1");
    EXPECT_EQ(statement_head("abcdef", 3), "abc...");
}

}  // namespace
}  // namespace tote
