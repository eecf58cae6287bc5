#include "sink/sql_text.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace tote {
namespace {

TEST(SqlText, QuotesStringsAndIdentifiers) {
    EXPECT_EQ(sql_string("it's a \\ path"), "'it\\'s a \\\\ path'");
    EXPECT_EQ(sql_identifier("we`ird"), "`we\\`ird`");
    EXPECT_EQ(sql_table("tote", "land_bets"), "`tote`.`land_bets`");
}

TEST(SqlText, ParsesColumnListsWithNestedCommas) {
    auto cols = parse_column_list("a Int64, `b c` Nullable(Decimal(38, 2)),x Array(String)");
    ASSERT_EQ(cols.size(), 3u);
    EXPECT_EQ(cols[0].name, "a");
    EXPECT_EQ(cols[0].type, "Int64");
    EXPECT_EQ(cols[1].name, "b c");
    EXPECT_EQ(cols[1].type, "Nullable(Decimal(38, 2))");
    EXPECT_EQ(cols[2].name, "x");
    EXPECT_EQ(cols[2].type, "Array(String)");
    EXPECT_EQ(format_column_list(cols),
              "`a` Int64, `b c` Nullable(Decimal(38, 2)), `x` Array(String)");
    EXPECT_EQ(format_column_names(cols), "`a`, `b c`, `x`");
    EXPECT_EQ(parse_column_list(format_column_list(cols)).size(), 3u);
}

TEST(SqlText, RejectsMalformedColumnLists) {
    EXPECT_THROW(parse_column_list("a Nullable(Int64"), ToteError);
    EXPECT_THROW(parse_column_list("a"), ToteError);
    EXPECT_THROW(parse_column_list("`a Int64"), ToteError);
}

TEST(SqlText, ParsesTabSeparatedOutput) {
    auto rows = parse_tsv("1\ta\\tb\n2\t\\N\n");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"1", "a\tb"}));
    EXPECT_EQ(rows[1], (std::vector<std::string>{"2", "\\N"}));
    EXPECT_TRUE(parse_tsv("").empty());
}

}  // namespace
}  // namespace tote
